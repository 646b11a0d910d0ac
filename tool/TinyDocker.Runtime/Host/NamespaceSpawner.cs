// Runs in: the host tool (the supervisor). One dedicated thread per container leaves the
// host's namespaces and starts the container's init; see docs/architecture.md.
using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// Starts a container's init in new namespaces. unshare() in .NET moves only the calling
/// thread, and that thread can start no other thread after CLONE_NEWPID (DESIGN.md), so a
/// dedicated thread unshares, spawns the init (which becomes PID 1), and then waits for it.
/// It must outlive the init: the init's parent-death signal fires when this thread ends.
/// </summary>
internal sealed class NamespaceSpawner
{
    /// <summary>The file descriptor number at which the init finds its lifeline pipe.</summary>
    public const int LifelineFd = 3;

    public static int NamespaceFlags
        => CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP;

    // The namespace thread may not create threads, and completing a Task could ask the thread
    // pool for one (seen: the runtime aborts with "Out of memory"). Plain events only wake a waiter.
    private readonly ManualResetEventSlim _started = new();
    private readonly ManualResetEventSlim _exited = new();
    private Exception? _error;
    private int _pid;
    private int _status;

    /// <summary>Blocks until the init runs; returns its pid in the host's PID namespace.</summary>
    public int WaitStarted()
    {
        _started.Wait();
        return _error is null ? _pid : throw _error;
    }

    /// <summary>Blocks until the init exits; returns its wait status.</summary>
    public int WaitExited()
    {
        _exited.Wait();
        return _status;
    }

    /// <summary>
    /// Starts the thread. <paramref name="lifelineRead"/> becomes fd 3 in the init; the caller
    /// keeps the write end open for the container's life, so the init can tell if it was orphaned.
    /// </summary>
    public static NamespaceSpawner Start(string[] initArgv, int lifelineRead)
    {
        var spawner = new NamespaceSpawner();
        var thread = new Thread(() => spawner.Run(initArgv, lifelineRead))
        {
            Name = "tinydocker-namespaces",
            IsBackground = true,
        };
        thread.Start();
        return spawner;
    }

    private void Run(string[] initArgv, int lifelineRead)
    {
        int pid;
        try
        {
            Sys.Unshare(NamespaceFlags);
            var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .Select(e => $"{e.Key}={e.Value}").ToList();
            pid = Sys.Spawn(initArgv[0], initArgv, env, [(lifelineRead, LifelineFd)], out int errno);
            if (pid < 0)
            {
                throw new SyscallException("posix_spawn", initArgv[0], errno);
            }
        }
        catch (Exception e)
        {
            _error = e;
            _started.Set();
            return;
        }
        _pid = pid;
        _started.Set();
        Sys.Wait(pid, out _status);
        _exited.Set();
    }
}
