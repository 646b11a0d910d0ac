namespace TinyDocker.Runtime;

/// <summary>
/// The one exception tree of the runtime: every failure that reaches the user carries the
/// exit code the CLI returns. Only the CLI turns these into exit codes.
/// </summary>
public class TinyDockerException : Exception
{
    public TinyDockerException(string message, int exitCode = ExitCodes.TinyDockerError, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}
