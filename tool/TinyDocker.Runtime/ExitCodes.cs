namespace TinyDocker.Runtime;

/// <summary>Exit statuses, as docker and timeout(1) use them.</summary>
public static class ExitCodes
{
    /// <summary>tinydocker itself failed, or its input was bad.</summary>
    public const int TinyDockerError = 125;

    /// <summary>The command exists but could not be executed.</summary>
    public const int CannotExecute = 126;

    /// <summary>The container was stopped because it ran past its timeout (as timeout(1)).</summary>
    public const int TimedOut = 124;

    /// <summary>The command was not found.</summary>
    public const int NotFound = 127;

    /// <summary>Added to a signal number when the command died of that signal.</summary>
    public const int SignalBase = 128;

    /// <summary>Maps a wait(2) status to the exit code a shell would report.</summary>
    public static int FromWaitStatus(int status)
    {
        int termSignal = status & 0x7f;
        return termSignal == 0 ? (status >> 8) & 0xff : SignalBase + termSignal;
    }
}
