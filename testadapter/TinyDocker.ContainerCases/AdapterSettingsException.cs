namespace TinyDocker.TestAdapter;

/// <summary>Bad run settings or environment: reported as one error line, and nothing is run.</summary>
internal sealed class AdapterSettingsException(string message) : Exception(message);
