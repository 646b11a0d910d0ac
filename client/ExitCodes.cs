namespace TinyDocker.Client;

/// <summary>
/// The exit statuses of `tinydocker run` both packages act on (the CLI's own table is
/// TinyDocker.Runtime.ExitCodes; a test keeps the two equal). Linked into the MSBuild task and
/// the test adapter from client/, so neither re-types a number.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The container ran past its timeout and was stopped (as timeout(1)).</summary>
    public const int TimedOut = 124;

    /// <summary>tinydocker itself failed or its input was bad; its one-line reason is on stderr.</summary>
    public const int TinyDockerError = 125;

    /// <summary>Added to a signal number when the command died of that signal.</summary>
    public const int SignalBase = 128;

    /// <summary>SIGKILL: how an OOM kill (or the timeout's second step) ends the command.</summary>
    public const int Killed = SignalBase + 9;

    /// <summary>The signal behind an exit code above 128, if it is one.</summary>
    public static int? Signal(int exitCode) => exitCode is > SignalBase and < SignalBase + 65 ? exitCode - SignalBase : null;
}
