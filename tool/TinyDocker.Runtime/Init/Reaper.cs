// Runs in: the container's init (PID 1), after pivot_root. Everything it calls was loaded
// before the pivot: a JIT-compiled init cannot load an assembly once the old root is gone.
using System.Runtime.InteropServices;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Init;

/// <summary>
/// PID 1's job once the command runs: forward signals to it, reap every zombie, obey the
/// supervisor's control messages, and when the command exits kill whatever it left behind
/// and report its status (see <see cref="InitProtocol"/>).
/// </summary>
internal sealed class Reaper : IDisposable
{
    private const int SIGKILL = 9;
    private readonly List<PosixSignalRegistration> _registrations;
    private readonly BlockingEvent _exitAllowed = new();
    // Each side stores then loads the other's field (the command's pid against a pending signal or
    // a kill request): Interlocked stores are full fences, where volatile ones let the load pass the
    // store and both sides miss each other.
    private int _child;
    private int _pending;
    private int _killRequested;

    /// <summary>
    /// Registers the signal handlers: as early as the init can, before it waits for its go, so that a
    /// stop during setup is kept and delivered to the command (PID 1 of a namespace ignores a signal
    /// it has no handler for). <see cref="StartControl"/> comes after the go: both read the control pipe.
    /// </summary>
    public Reaper(IEnumerable<int> forwarded)
    {
        _registrations = forwarded.Select(sig => PosixSignalRegistration.Create((PosixSignal)sig, ctx =>
        {
            ctx.Cancel = true;
            // Kept first, then delivered by whichever side takes it back: this handler if the command
            // exists already, Run once it does. Exactly once either way.
            Interlocked.Exchange(ref _pending, sig);
            int child = Volatile.Read(ref _child);
            if (child > 0)
            {
                DeliverPending(child);
            }
        })).ToList();
    }

    /// <summary>Starts reading control messages ('K', 'X'); after the go, before pivot_root.</summary>
    public void StartControl() => Sys.StartThread("init-control", ReadControl);

    private void ReadControl()
    {
        while (true)
        {
            int message = Sys.ReadByte(InitProtocol.ControlFd);
            if (message == InitProtocol.KillAll)
            {
                Interlocked.Exchange(ref _killRequested, 1);
                if (Volatile.Read(ref _child) > 0)
                {
                    Sys.Kill(-1, SIGKILL); // from PID 1: every process of the namespace but itself
                }
            }
            else if (message == InitProtocol.Exit)
            {
                _exitAllowed.Set();
                return;
            }
            else if (message < 0)
            {
                // EOF without 'X': the supervisor is gone (killed). The parent-death signal should
                // have ended us already; this is the second line, whatever cleared that signal.
                // Rootless it is the only line (the parent is the first step, tied to nothing):
                // a command spawned after this read is killed by Run, as after a 'K'.
                Interlocked.Exchange(ref _killRequested, 1);
                Sys.Kill(-1, SIGKILL);
                _exitAllowed.Set();
                return;
            }
        }
    }

    /// <summary>Starts the command, confined, and returns the exit code to report for it.</summary>
    public int Run(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env, Confinement confinement, int scratchFd, TerminalRelay? tty)
    {
        // Only this thread is restricted (capabilities, identity, seccomp): the control and signal threads keep root.
        confinement.ApplyToThisThread();
        // A session of its own: the caller's terminal, which the tool and this init may have, is
        // never the command's controlling terminal (TIOCSTI on an inherited descriptor fails).
        var session = tty is null ? SpawnSession.Detached : SpawnSession.Terminal(tty.SlavePath);
        int pid = Sys.Spawn(path, argv, env, [], session, out int errno);
        tty?.CommandStarted();
        if (pid < 0)
        {
            throw CommandLookup.CannotExecute(argv[0], errno);
        }
        Interlocked.Exchange(ref _child, pid);
        PhaseTrace.Mark("init", "command spawned");
        Sys.WriteAll(InitProtocol.ReportFd, InitProtocol.StartedLine(pid, scratchFd));
        DeliverPending(pid);
        if (Volatile.Read(ref _killRequested) != 0)
        {
            Sys.Kill(-1, SIGKILL);
        }
        int commandStatus;
        while (true)
        {
            int reaped = Sys.Wait(-1, out int status);
            if (reaped == pid)
            {
                commandStatus = status;
                break;
            }
            if (reaped < 0)
            {
                throw new TinyDockerException("the command vanished without an exit status");
            }
        }
        PhaseTrace.Mark("init", "command reaped");
        Sys.Kill(-1, SIGKILL);
        while (Sys.Wait(-1, out _) > 0)
        {
        }
        PhaseTrace.Mark("init", "the rest killed and reaped");
        tty?.Finish(); // nothing holds the slave now: the relay has passed on every byte
        Sys.WriteAll(InitProtocol.ReportFd, InitProtocol.ExitedLine(commandStatus));
        return ExitCodes.FromWaitStatus(commandStatus);
    }

    private void DeliverPending(int child)
    {
        int sig = Interlocked.Exchange(ref _pending, 0);
        if (sig != 0)
        {
            Sys.Kill(child, sig);
        }
    }

    /// <summary>Blocks until the supervisor has taken what it wants from the container (or is gone).</summary>
    public void WaitForExitPermission() => _exitAllowed.Wait();

    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }
    }
}
