// Runs in: the host tool (the supervisor): a thread that waits for the container's owner to end.
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// `--owner PID` (a tinydocker extension): the container ends when that process does, however it
/// ends (SIGKILL included). The owner is held as a pidfd, opened while `run` checked that it
/// exists, so a later process that reuses the number is never mistaken for it; the pidfd becomes
/// readable when the process exits, and a thread of the supervisor blocks in poll on it.
/// </summary>
internal sealed class OwnerWatch : IDisposable
{
    private readonly int _pidfd;

    private OwnerWatch(int pidfd) => _pidfd = pidfd;

    /// <summary>Calls <paramref name="ownerGone"/> on a thread of its own when the owner exits.</summary>
    public static OwnerWatch Start(int pidfd, Action ownerGone)
    {
        var watch = new OwnerWatch(pidfd);
        Sys.StartThread("tinydocker-owner", () =>
        {
            Sys.WaitReadable(pidfd, -1);
            ownerGone();
        });
        return watch;
    }

    // The thread may still be in poll on the descriptor: closing it under poll is harmless on
    // Linux (poll holds its own reference), and the process is about to exit.
    public void Dispose() => Sys.Close(_pidfd);
}
