// Runs in: the host tool (the supervisor), in the host's namespaces. Its side of InitProtocol.
using TinyDocker.Runtime.Cgroups;
using TinyDocker.Runtime.Init;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// One running container seen from the host: starts the init, lets it go once it is in its
/// cgroup, follows its reports, and stops it on a timeout or a signal — SIGTERM first, and
/// every process killed after the grace period (or at once on a second Ctrl-C).
/// </summary>
internal sealed class Supervisor : IDisposable
{
    private const int SIGINT = 2, SIGTERM = 15, SIGKILL = 9;
    private static readonly TimeSpan KillAllGrace = TimeSpan.FromSeconds(5);

    // How often --die-with-parent looks at its parent: no signal says that a parent died
    // (PR_SET_PDEATHSIG follows the parent's *thread*, and .NET parents retire threads).
    private static readonly TimeSpan ParentPoll = TimeSpan.FromMilliseconds(100);

    private readonly ContainerSpec _spec;
    private readonly NamespaceSpawner _spawner;
    private readonly int _controlWrite;
    private readonly int _reportRead;
    private readonly BlockingEvent _commandExited = new();
    private readonly BlockingEvent _reportsEnded = new();
    private readonly IReadOnlyList<MountOp>? _nativePlan; // the runtime-free init's mount plan; null: the .NET init
    private readonly byte[] _go;
    private readonly AutoResetEvent _wake = new(false);
    private readonly object _gate = new();
    private TimeSpan? _killAt; // on MonotonicClock, as every deadline here
    private TimeSpan? _hardKillAt;
    private bool _stopping;
    private bool _closed;
    private readonly int _parentPid;
    private volatile System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure;
    private readonly Action<Supervisor> _commandStarted;
    private readonly SignalForwarder _signals;
    private readonly List<int> _deferred = [];

    /// <summary>True when the container was killed because the tool's parent went away (--die-with-parent).</summary>
    public bool ParentDied { get; private set; }

    /// <summary>True when the container was killed because its owner went away (--owner).</summary>
    public bool OwnerDied { get; private set; }

    /// <summary>--owner: the owner is gone; every process is killed at once, as for --die-with-parent.</summary>
    public void OwnerGone()
    {
        lock (_gate)
        {
            if (!OwnerDied && !_closed && !_spawner.HasExited)
            {
                OwnerDied = true;
                KillAll();
            }
        }
        _wake.Set();
    }

    /// <summary>`run -d` was cancelled before it took the container: every process is killed at once, no grace.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            if (!_closed && !_spawner.HasExited)
            {
                KillAll();
            }
        }
        _wake.Set();
    }

    /// <summary>
    /// Starts the init and lets it go. <paramref name="commandStarted"/> is called on the report
    /// thread once the command runs; it is a parameter, not a property set afterwards, so that it is
    /// in place before the init can report anything.
    /// </summary>
    /// <paramref name="stdio"/>: descriptors the init gets as 1 and 2 instead of the tool's (-d: the log);
    /// <paramref name="joinNetwork"/>: the container whose network namespace it joins, or null;
    /// <paramref name="extraFds"/>: further descriptors for the init (the port relay's socket), at the given numbers.
    public Supervisor(ContainerSpec spec, string specPath, ICgroup? cgroup, SignalForwarder signals, Action<Supervisor> commandStarted,
        IReadOnlyList<(int From, int To)>? stdio = null, JoinedNetwork? joinNetwork = null, IReadOnlyList<(int From, int To)>? extraFds = null)
    {
        _spec = spec;
        _commandStarted = commandStarted;
        _signals = signals;
        _parentPid = Sys.GetParentPid();
        string? nativeInit = OwnInit.For(spec, out string why);
        PhaseTrace.Mark("supervisor", $"init: {nativeInit ?? $"{SelfExe.InitVerb}: {why}"}");
        _go = [(byte)InitProtocol.Go];
        if (nativeInit is not null)
        {
            // Planned here, as the .NET init plans it in the same mount namespace (the new one is its
            // copy), and before anything exists: a plan that cannot be made leaves nothing to undo.
            _nativePlan = MountPlanner.Plan(spec, CgroupHierarchies.FromMountInfo(File.ReadAllText("/proc/self/mountinfo")));
            _go = NativeInitPlan.Encode(spec, _nativePlan, PhaseTrace.Since);
        }
        var control = Sys.Pipe();
        var report = Sys.Pipe();
        _controlWrite = control.Write;
        _reportRead = report.Read;
        try
        {
            _spawner = NamespaceSpawner.Start(
                nativeInit is null ? SelfExe.InitArgv(specPath) : [nativeInit, SelfExe.InitVerb, specPath],
                NamespaceSpawner.NamespaceFlags(newNetwork: spec.Network == NetworkModes.None),
                [.. stdio ?? [], (control.Read, InitProtocol.ControlFd), (report.Write, InitProtocol.ReportFd), .. extraFds ?? []],
                joinNetwork, spec.UserNamespace);
            _spawner.WaitStarted();
        }
        finally
        {
            Sys.Close(control.Read);
            Sys.Close(report.Write);
        }
        try
        {
            InitPid = ReadInitPid();
        }
        catch
        {
            Sys.Close(_controlWrite);
            Sys.Close(_reportRead);
            throw;
        }
        PhaseTrace.Mark("supervisor", "namespaces unshared, init spawned");
        Started = MonotonicClock.Now;
        try
        {
            // The init's own guard cannot see this process's namespaces when rootless: this side checks too.
            if (new FileInfo($"/proc/{InitPid}/ns/mnt").LinkTarget is not { } initNs || initNs == new FileInfo("/proc/self/ns/mnt").LinkTarget)
            {
                throw new TinyDockerException($"container `{spec.Name}`: its init is not in a mount namespace of its own");
            }
            joinNetwork?.CheckJoined(InitPid, spec.Name);
            cgroup?.Add(InitPid);
        }
        catch
        {
            Dispose();
            throw;
        }
        // Everything that reacts to the init is in place BEFORE its go: the report reader and its
        // handler (a start record written after the init's first report was lost), and the signal
        // handling (registered by the caller before anything was made; a signal that came since
        // is handled now, so a Ctrl-C during start-up still gets the teardown).
        Sys.StartThread("tinydocker-reports", ReadReports);
        signals.Attach(OnSignal);
        lock (_gate)
        {
            // Under the gate: a kill request ('K') from a signal must not land inside the plan.
            Sys.WriteAll(_controlWrite, _go);
        }
        PhaseTrace.Mark("supervisor", "init in its cgroup, handlers in place, go sent");
    }

    /// <summary>The init's pid in the host's PID namespace.</summary>
    public int InitPid { get; }

    /// <summary>When the init reported, on <see cref="MonotonicClock"/>: the timeout and the run's duration count from it.</summary>
    public TimeSpan Started { get; }

    public int? CommandPid { get; private set; }

    /// <summary>
    /// Why the runtime-free init failed, in the words the .NET init prints itself (it has no errno
    /// names or glibc messages); for the caller to say where the init's stderr goes. Read once the
    /// init is gone (after <see cref="WaitForCommand"/>).
    /// </summary>
    public string? InitFailure { get; private set; }

    /// <summary>The command's wait status, when it exited (rather than the init dying first).</summary>
    public int? CommandStatus { get; private set; }

    public bool TimedOut { get; private set; }

    /// <summary>The container's scratch tmpfs (upper layers) as the host reaches it, once the command runs.</summary>
    public string? ScratchDir { get; private set; }

    public NamespaceSpawner Init => _spawner;

    /// <summary>
    /// The init's first report, its pid in the host's PID namespace (rootless, the process this
    /// side spawned is the first step, the init's parent). No report: the init never ran.
    /// </summary>
    private int ReadInitPid()
    {
        if (Sys.ReadLine(_reportRead)?.Split(' ') is [InitProtocol.Init, var pidText]
            && int.TryParse(pidText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid))
        {
            return pid;
        }
        _spawner.WaitExited(Timeout.InfiniteTimeSpan);
        string step = _spec.Rootless ? $"its first step ({_spawner.FirstStepName}) failed: {_spawner.FirstStepErrors()}" : "the init failed";
        throw new TinyDockerException($"container `{_spec.Name}` did not start: {step} (exit status {_spawner.Status >> 8}, signal {_spawner.Status & 0x7f})");
    }

    private void ReadReports()
    {
        try
        {
            FollowReports();
        }
        catch (Exception e)
        {
            // The start handler failed (say, the JSON record onto a full disk): the main thread
            // rethrows it from WaitForCommand, and its teardown kills the container.
            _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            _wake.Set();
        }
        finally
        {
            _reportsEnded.Set();
        }
    }

    private void FollowReports()
    {
        while (Sys.ReadLine(_reportRead) is { } line)
        {
            var parts = line.Split(' ');
            if (parts is [InitProtocol.Started, var pid, var scratchFd])
            {
                ScratchDir = $"/proc/{InitPid}/fd/{scratchFd}";
                lock (_gate)
                {
                    CommandPid = int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture);
                    _deferred.ForEach(sig => Sys.Kill(InitPid, sig));
                    _deferred.Clear();
                }
                _commandStarted(this);
            }
            else if (parts is [InitProtocol.Exited, var status])
            {
                CommandStatus = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
                _commandExited.Set();
            }
            else if (NativeInitFailure.Describe(line, _spec, _nativePlan) is { } failure)
            {
                InitFailure = failure; // the runtime-free init exits 125, 126 or 127 after this line
            }
        }
    }

    private void OnSignal(int sig)
    {
        lock (_gate)
        {
            if (sig is not (SIGINT or SIGTERM))
            {
                SignalInit(sig);
            }
            else if (_stopping)
            {
                KillAll(); // a second Ctrl-C: no more grace
            }
            else
            {
                BeginStop(sig);
            }
        }
        _wake.Set();
    }

    private void BeginStop(int sig)
    {
        _stopping = true;
        SignalInit(sig); // the init passes it on to the command
        _killAt = MonotonicClock.Now + _spec.StopTimeout;
    }

    /// <summary>
    /// Under <see cref="_gate"/>. Before the command runs, the init may not have its handlers yet
    /// (PID 1 of a namespace ignores a signal it does not handle): the signal waits for the
    /// "started" report, so a Ctrl-C during start-up stops the command as soon as it exists.
    /// </summary>
    private void SignalInit(int sig)
    {
        if (CommandPid is null)
        {
            _deferred.Add(sig);
        }
        else
        {
            Sys.Kill(InitPid, sig);
        }
    }

    private void KillAll()
    {
        _killAt = null;
        _hardKillAt = MonotonicClock.Now + KillAllGrace;
        Sys.WriteAll(_controlWrite, InitProtocol.KillAll.ToString());
    }

    /// <summary>Returns once the command has exited (its status is in <see cref="CommandStatus"/>) or the init is gone.</summary>
    public void WaitForCommand()
    {
        TimeSpan? timeoutAt = _spec.Timeout is { } t ? Started + t : null;
        WaitHandle[] handles = [_wake, _commandExited.WaitHandle, _spawner.ExitedHandle];
        while (!_commandExited.IsSet && !_spawner.HasExited && _failure is null)
        {
            TimeSpan now = MonotonicClock.Now;
            lock (_gate)
            {
                if (timeoutAt <= now && !TimedOut)
                {
                    TimedOut = true;
                    if (!_stopping)
                    {
                        BeginStop(SIGTERM);
                    }
                }
                if (_killAt <= now)
                {
                    KillAll();
                }
                if (_spec.DieWithParent && !ParentDied && Sys.GetParentPid() != _parentPid)
                {
                    ParentDied = true;
                    KillAll();
                }
                if (_hardKillAt <= now)
                {
                    // The init did not obey: end the whole PID namespace with it.
                    Sys.Kill(InitPid, SIGKILL);
                    _hardKillAt = null;
                }
            }
            TimeSpan? parentCheck = _spec.DieWithParent && !ParentDied ? now + ParentPoll : null;
            var next = new[] { TimedOut ? null : timeoutAt, _killAt, _hardKillAt, parentCheck }.Where(d => d is not null).Min();
            var wait = next is null ? Timeout.InfiniteTimeSpan : (next.Value - now) < TimeSpan.Zero ? TimeSpan.Zero : next.Value - now;
            WaitHandle.WaitAny(handles, wait);
        }
        if (!_commandExited.IsSet && _spawner.HasExited)
        {
            // The init is gone (and the first step): its last report, a failure's, is read to the end.
            _reportsEnded.Wait(TimeSpan.FromSeconds(2));
        }
        _failure?.Throw();
    }

    /// <summary>Lets the init exit (the container's mounts go with it) and waits for it.</summary>
    public void Release()
    {
        if (!_spawner.HasExited)
        {
            Sys.WriteAll(_controlWrite, InitProtocol.Exit.ToString());
            if (!_spawner.WaitExited(TimeSpan.FromSeconds(10)))
            {
                Sys.Kill(InitPid, SIGKILL);
                _spawner.WaitExited(Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        // The control pipe is closed below: no signal may write to its number afterwards.
        _signals.Attach(_ => { });
        if (!_spawner.HasExited)
        {
            Sys.Kill(InitPid, SIGKILL);
            _spawner.WaitExited(Timeout.InfiniteTimeSpan);
        }
        lock (_gate)
        {
            _closed = true;
            Sys.Close(_controlWrite);
        }
        Sys.Close(_reportRead);
    }
}
