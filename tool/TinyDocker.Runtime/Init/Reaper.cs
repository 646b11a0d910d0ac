// Runs in: the container's init (PID 1), after pivot_root. Everything it calls was loaded
// before the pivot: a JIT-compiled init cannot load an assembly once the old root is gone.
using System.Runtime.InteropServices;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Init;

/// <summary>
/// PID 1's job once the command runs: forward signals to it, reap every zombie, and when the
/// command exits kill whatever it left behind and report its status.
/// </summary>
internal sealed class Reaper : IDisposable
{
    private const int SIGKILL = 9;
    private readonly List<PosixSignalRegistration> _registrations;
    private volatile int _child;
    private volatile int _pending;

    /// <summary>Registers the signal handlers; call before pivot_root.</summary>
    public Reaper(IEnumerable<int> forwarded)
    {
        _registrations = forwarded.Select(sig => PosixSignalRegistration.Create((PosixSignal)sig, ctx =>
        {
            ctx.Cancel = true;
            int child = _child;
            if (child > 0)
            {
                Sys.Kill(child, sig);
            }
            else
            {
                _pending = sig; // arrived during setup: delivered as soon as the command exists
            }
        })).ToList();
    }

    /// <summary>Starts the command and returns the exit code to report for it.</summary>
    public int Run(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env)
    {
        int pid = Sys.Spawn(path, argv, env, [], out int errno);
        if (pid < 0)
        {
            throw new TinyDockerException($"cannot execute `{argv[0]}`: {Errno.Name(errno)} ({Errno.Message(errno)})",
                errno == Errno.ENOENT || errno == Errno.ENOTDIR ? ExitCodes.NotFound : ExitCodes.CannotExecute);
        }
        _child = pid;
        if (_pending != 0)
        {
            Sys.Kill(pid, _pending);
        }
        int exitCode;
        while (true)
        {
            int reaped = Sys.Wait(-1, out int status);
            if (reaped == pid)
            {
                exitCode = ExitCodes.FromWaitStatus(status);
                break;
            }
            if (reaped < 0)
            {
                throw new TinyDockerException("the command vanished without an exit status");
            }
        }
        // kill(-1) from PID 1 reaches every other process of this PID namespace.
        Sys.Kill(-1, SIGKILL);
        while (Sys.Wait(-1, out _) > 0)
        {
        }
        return exitCode;
    }

    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }
    }
}
