// Runs in: the host tool (the supervisor). One dedicated thread per container leaves the
// host's namespaces and starts the container's init; see docs/architecture.md.
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Rootless;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// Starts a container's init in new namespaces. unshare() in .NET moves only the calling
/// thread, and that thread can start no other thread after CLONE_NEWPID (measured), so a
/// dedicated thread unshares, spawns the init (which becomes PID 1), and then waits for it.
/// It must outlive the init: the init's parent-death signal fires when this thread ends.
/// The cgroup namespace is left to the init, which unshares it once it is in its cgroup.
/// Rootless, the thread unshares nothing: it spawns the first step (Rootless/FirstStep.cs), which
/// makes the user namespace and the others inside it and forks the init, and maps the user
/// namespace's ids while the init starts; the pid this class knows and waits for is then the
/// first step's, and the init reports its own.
/// </summary>
internal sealed class NamespaceSpawner
{
    // The namespace thread may not create threads, and completing a Task could ask the thread
    // pool for one (seen: the runtime aborts with "Out of memory"). Plain events only wake a waiter.
    private readonly BlockingEvent _started = new();
    private readonly BlockingEvent _exited = new();
    private Exception? _error;
    private int _pid;
    private int _status;
    private ResourceUsage _usage;
    private int _firstStepErrors = -1;

    public static int NamespaceFlags(bool newNetwork)
        => CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | (newNetwork ? CLONE_NEWNET : 0);

    /// <summary>Set when the init has exited.</summary>
    public WaitHandle ExitedHandle => _exited.WaitHandle;

    public bool HasExited => _exited.IsSet;

    /// <summary>The init's wait status, once it exited.</summary>
    public int Status => _status;

    /// <summary>CPU time and peak memory of the init and everything it reaped.</summary>
    public ResourceUsage Usage => _usage;

    /// <summary>
    /// Starts the thread; <paramref name="fds"/> are handed to the init at the given numbers.
    /// <paramref name="joinNetwork"/>: the container whose network namespace the init gets (--network container:NAME).
    /// <paramref name="userNamespace"/>: rootless, the map of the user namespace the first step makes (or, with
    /// <paramref name="joinNetwork"/>, the one it joins); null for rootful.
    /// </summary>
    public static NamespaceSpawner Start(string[] initArgv, int flags, IReadOnlyList<(int From, int To)> fds, JoinedNetwork? joinNetwork = null,
        IdMap? userNamespace = null)
    {
        var spawner = new NamespaceSpawner();
        Sys.StartThread("tinydocker-namespaces", () => spawner.Run(initArgv, flags, fds, joinNetwork, userNamespace));
        return spawner;
    }

    /// <summary>Blocks until the init runs; returns its pid in the host's PID namespace.</summary>
    public int WaitStarted()
    {
        _started.Wait();
        return _error is null ? _pid : throw _error;
    }

    /// <summary>Blocks until the init exits, at most <paramref name="timeout"/>.</summary>
    public bool WaitExited(TimeSpan timeout) => _exited.Wait(timeout);

    private void Run(string[] initArgv, int flags, IReadOnlyList<(int From, int To)> fds, JoinedNetwork? joinNetwork, IdMap? userNamespace)
    {
        int pid;
        try
        {
            if (userNamespace is not null)
            {
                if (joinNetwork is null)
                {
                    FirstStepName = FirstStep.RunName;
                    PhaseTrace.Mark("supervisor", $"first step: {OwnFirstStep.Description}");
                    initArgv = FirstStep.RunArgv((flags & CLONE_NEWNET) != 0, initArgv);
                }
                else
                {
                    FirstStepName = FirstStep.JoinName;
                    initArgv = FirstStep.JoinArgv(joinNetwork.InitPid, initArgv);
                }
                var errors = Sys.Pipe();
                _firstStepErrors = errors.Read;
                // The init's real stderr: what fds puts at 2 (-d: the log), else the tool's own.
                int stderr = fds.Where(f => f.To == 2).Select(f => f.From).DefaultIfEmpty(2).Last();
                fds = [.. fds.Where(f => f.To != 2), (stderr, InitProtocol.StderrFd), (errors.Write, 2)];
                pid = Sys.Spawn(initArgv[0], initArgv, FirstStep.Environment(SelfExe.HelperEnvironment()), fds, out int spawnErrno);
                Sys.Close(errors.Write);
                if (pid < 0)
                {
                    throw new SyscallException("posix_spawn", initArgv[0], spawnErrno);
                }
                if (joinNetwork is null)
                {
                    MapIds(userNamespace, pid);
                }
                goto spawned;
            }
            Sys.Unshare(flags);
            if (joinNetwork is not null)
            {
                Sys.SetNs(joinNetwork.Init.Value, CLONE_NEWNET);
            }
            // The init is the container's PID 1: with CAP_SYS_PTRACE (--privileged) the command can
            // read its /proc/1/environ, so it gets no more of the host's environment than a helper.
            pid = Sys.Spawn(initArgv[0], initArgv, SelfExe.HelperEnvironment(), fds, out int errno);
            if (pid < 0)
            {
                throw new SyscallException("posix_spawn", initArgv[0], errno);
            }
        spawned:;
        }
        catch (Exception e)
        {
            _error = e;
            _started.Set();
            return;
        }
        _pid = pid;
        _started.Set();
        Sys.Wait(pid, out _status, out _usage);
        _exited.Set();
    }

    /// <summary>
    /// Rootless: the ids of the user namespace the first step made, before the supervisor's go. When
    /// they cannot be written the first step is killed (its init with it: `--kill-child`) and reaped here.
    /// </summary>
    private void MapIds(IdMap map, int firstStep)
    {
        try
        {
            if (MapWriter.Write(map, firstStep))
            {
                PhaseTrace.Mark("supervisor", "user namespace's ids mapped");
            }
        }
        catch
        {
            Sys.Kill(firstStep, SIGKILL);
            Sys.Wait(firstStep, out _status, out _usage);
            _exited.Set();
            throw;
        }
    }

    /// <summary>Rootless: the program the first step is (for its errors); empty otherwise.</summary>
    public string FirstStepName { get; private set; } = "";

    /// <summary>Rootless: what the first step wrote to its stderr (read once it has exited); empty otherwise.</summary>
    public string FirstStepErrors()
    {
        if (_firstStepErrors < 0 || !HasExited)
        {
            return "";
        }
        return string.Join("; ", Sys.ReadLines(_firstStepErrors, 5));
    }
}
