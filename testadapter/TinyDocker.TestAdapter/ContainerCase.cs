namespace TinyDocker.TestAdapter;

/// <summary>
/// One container test case as the build declared it: a script, run in its own container from
/// the project directory, with its own image, timeout and memory limit (null: not set).
/// </summary>
internal sealed record ContainerCase(
    string Name,
    string ScriptPath,
    string ProjectDir,
    string? Image,
    string? Timeout,
    string? Memory,
    string? ToolPath,
    string Source);
