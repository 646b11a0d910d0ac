// Runs in: the host tool (the supervisor), in the host's namespaces.
using TinyDocker.Runtime.Cgroups;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// Runs one container to completion: takes its name, creates its cgroup, starts and supervises
/// its init, copies results out, and removes everything however it ends. Returns the exit code
/// `run` reports.
/// </summary>
public static class ContainerRunner
{
    /// <summary>Signals the supervisor passes on to the container's init, which passes them to the command.</summary>
    public static readonly int[] ForwardedSignals = [2 /*INT*/, 15 /*TERM*/, 1 /*HUP*/, 3 /*QUIT*/, 10 /*USR1*/, 12 /*USR2*/];

    private const string Side = "supervisor";

    public static int Run(ContainerSpec spec, TextWriter stderr) => Run(spec, stderr, null);

    /// <summary>
    /// <paramref name="detached"/> (-d, in the detached supervisor): the command's output goes to the
    /// log, the supervisor's own lines too; the client is told once the command runs; at the end a
    /// record is kept (unless --rm). A container that never started keeps nothing, and its log
    /// (the init's reason) goes to <paramref name="stderr"/>.
    /// </summary>
    internal static int Run(ContainerSpec spec, TextWriter stderr, DetachedHooks? detached)
    {
        if (spec.DebugSince is { } since)
        {
            PhaseTrace.Enable(since);
        }
        // First: a Ctrl-C or SIGTERM from here on is kept until the container exists, then stops it.
        using var signals = new SignalForwarder(ForwardedSignals);
        SpecValidator.Validate(spec);
        if (spec.Rootless)
        {
            Rootless.HostChecks.Check();
        }
        PhaseTrace.Mark(Side, "spec validated");
        using var state = ContainerState.Acquire(spec.StateRoot, spec.Name);
        using var stateOnCrash = LastChance.OnCrash(state);
        state.WriteSpec(spec);
        PhaseTrace.Mark(Side, "name locked, spec written");
        using var log = spec.Detached ? new DetachedLog(state.Dir, spec.LogMaxBytes) : null;
        var messages = log?.Messages ?? stderr;
        using var cgroup = Cgroup.Create(spec);
        using var cgroupOnCrash = cgroup is null ? null : LastChance.OnCrash(cgroup);
        PhaseTrace.Mark(Side, cgroup is null ? "no cgroup needed" : "cgroup made");
        // -p: every listener is bound before any namespace exists, so a port in use fails here with nothing started.
        using var ports = PortRelay.Open(spec);
        if (ports is not null)
        {
            state.Write(ContainerState.PortsFile, PortSpec.StateText(ports.Published));
        }
        using var status = new JsonStatus(spec.JsonStatusPath);
        using var terminal = TerminalMode.ForTty(spec.Tty);
        using var network = NetworkJoin.Open(spec);
        // Once the command runs the init has all its namespaces (the cgroup one it makes itself).
        using var container = new Supervisor(spec, state.SpecPath, cgroup, signals, started =>
        {
            state.Write(ContainerState.ScratchFile, started.ScratchDir!);
            status.Start(new StartRecord(spec.Name, started.InitPid, NamespaceIds(started.InitPid)));
            PhaseTrace.Mark(Side, "command started");
            if (detached is not null)
            {
                // Before `run -d` returns: a `stop` or `exec` right after it finds the pids.
                WritePids(state, started.InitPid);
                detached.Handover.Started(); // false: cancelled, and the handover's cancel stops it
            }
        }, log?.InitStdio, network, ports is null ? null : [ports.InitEnd]);
        // `run -d` cancelled (Host/DetachedStart.cs): every process killed at once, nothing kept.
        detached?.Handover.OnCancel(container.Cancel);
        ports?.InitSpawned();
        ports?.Start();
        using var containerOnCrash = LastChance.OnCrash(container);
        log?.StartReading();
        using var owner = detached?.OwnerPidfd is { } ownerFd ? OwnerWatch.Start(ownerFd, container.OwnerGone) : null;
        if (detached is null)
        {
            WritePids(state, container.InitPid);
        }

        container.WaitForCommand();
        PhaseTrace.Mark(Side, "command exited");
        if (container.InitFailure is { } failure)
        {
            messages.WriteLine($"tinydocker: {failure}");
        }
        bool resultsLost = false;
        if (container.CommandStatus is not null)
        {
            var containerWritten = HostDestination.ContainerWritten(spec);
            resultsLost = !ResultCopier.CopyOut(container.InitPid, spec.CopyOut, containerWritten, messages);
            if (spec.KeepUpperDir is { } keep && container.ScratchDir is { } scratch)
            {
                resultsLost |= !UpperLayer.Save(scratch, keep, containerWritten, messages, UpperLayer.IsSplit(spec));
            }
        }
        PhaseTrace.Mark(Side, "results copied");
        container.Release();
        PhaseTrace.Mark(Side, "init exited");
        log?.Finish();
        int code = Outcome(spec, container, cgroup, status, resultsLost, messages, out bool oomKilled);
        cgroup?.Dispose(); // before the lock says "exited" (`wait`): nothing of it outlives that
        bool cancelled = detached?.Handover.Cancelled == true;
        if (container.CommandPid is null && spec.Detached)
        {
            if (!cancelled)
            {
                stderr.Write(ContainerLog.Tail(state.Dir, 20)); // the init's reason; a container that never ran keeps nothing
            }
        }
        else if (container.CommandPid is not null)
        {
            log?.Dispose();
            state.Retire(new ExitRecord(code, DateTimeOffset.UtcNow, container.TimedOut, oomKilled, container.OwnerDied).ToJson(),
                keep: spec.Detached && !spec.RemoveOnExit && !cancelled);
        }
        return code;
    }

    private static int Outcome(ContainerSpec spec, Supervisor container, ICgroup? cgroup, JsonStatus status, bool resultsLost,
        TextWriter stderr, out bool oomKilled)
    {
        int waitStatus = container.CommandStatus ?? container.Init.Status;
        int code = ExitCodes.FromWaitStatus(waitStatus);
        if (resultsLost && code == 0)
        {
            code = ExitCodes.TinyDockerError; // a run whose results are incomplete did not succeed
        }
        oomKilled = cgroup?.OomKilled() == true;
        var usage = container.Init.Usage;
        status.End(new EndRecord(code, (waitStatus & 0x7f) is > 0 and var sig ? sig : null, container.TimedOut, oomKilled,
            (MonotonicClock.Now - container.Started).TotalSeconds, usage.User.TotalSeconds, usage.System.TotalSeconds,
            cgroup?.PeakMemoryBytes() ?? usage.MaxResidentBytes));
        if (container.OwnerDied)
        {
            stderr.WriteLine($"tinydocker: container `{spec.Name}` was killed: its owner went away (--owner)");
        }
        if (container.ParentDied)
        {
            stderr.WriteLine($"tinydocker: container `{spec.Name}` was killed: the process that started tinydocker went away (--die-with-parent)");
        }
        if (container.TimedOut)
        {
            stderr.WriteLine($"tinydocker: container `{spec.Name}` timed out after {Durations.Format(spec.Timeout!.Value)} and was stopped");
            return ExitCodes.TimedOut;
        }
        if (oomKilled)
        {
            string limit = spec.Limits.MemoryBytes is { } m ? $" (memory limit {Sizes.Format(m)})" : "";
            stderr.WriteLine($"tinydocker: container `{spec.Name}`: a process was killed: out of memory{limit}");
        }
        return code;
    }

    private static void WritePids(ContainerState state, int initPid)
    {
        state.Write(ContainerState.PidFile, initPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        state.Write(ContainerState.SupervisorFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Dictionary<string, string> NamespaceIds(int pid)
        => new[] { "mnt", "pid", "net", "uts", "ipc", "cgroup" }
            .ToDictionary(ns => ns, ns => new FileInfo($"/proc/{pid}/ns/{ns}").LinkTarget ?? "?");
}
