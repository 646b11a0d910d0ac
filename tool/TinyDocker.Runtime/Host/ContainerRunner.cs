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

    public static int Run(ContainerSpec spec, TextWriter stderr)
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
        using var cgroup = Cgroup.Create(spec);
        using var cgroupOnCrash = cgroup is null ? null : LastChance.OnCrash(cgroup);
        PhaseTrace.Mark(Side, cgroup is null ? "no cgroup needed" : "cgroup made");
        using var status = new JsonStatus(spec.JsonStatusPath);
        using var terminal = TerminalMode.ForTty(spec.Tty);
        // Once the command runs the init has all its namespaces (the cgroup one it makes itself).
        using var container = new Supervisor(spec, state.SpecPath, cgroup, signals, started =>
        {
            state.Write(ContainerState.ScratchFile, started.ScratchDir!);
            status.Start(new StartRecord(spec.Name, started.InitPid, NamespaceIds(started.InitPid)));
            PhaseTrace.Mark(Side, "command started");
        });
        using var containerOnCrash = LastChance.OnCrash(container);
        state.Write(ContainerState.PidFile, container.InitPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        state.Write(ContainerState.SupervisorFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        container.WaitForCommand();
        PhaseTrace.Mark(Side, "command exited");
        bool resultsLost = false;
        if (container.CommandStatus is not null)
        {
            var containerWritten = HostDestination.ContainerWritten(spec);
            resultsLost = !ResultCopier.CopyOut(container.InitPid, spec.CopyOut, containerWritten, stderr);
            if (spec.KeepUpperDir is { } keep && container.ScratchDir is { } scratch)
            {
                resultsLost |= !UpperLayer.Save(scratch, keep, containerWritten, stderr);
            }
        }
        PhaseTrace.Mark(Side, "results copied");
        container.Release();
        PhaseTrace.Mark(Side, "init exited");

        int waitStatus = container.CommandStatus ?? container.Init.Status;
        int code = ExitCodes.FromWaitStatus(waitStatus);
        if (resultsLost && code == 0)
        {
            code = ExitCodes.TinyDockerError; // a run whose results are incomplete did not succeed
        }
        bool oomKilled = cgroup?.OomKilled() == true;
        var usage = container.Init.Usage;
        status.End(new EndRecord(code, (waitStatus & 0x7f) is > 0 and var sig ? sig : null, container.TimedOut, oomKilled,
            (DateTime.UtcNow - container.Started).TotalSeconds, usage.User.TotalSeconds, usage.System.TotalSeconds,
            cgroup?.PeakMemoryBytes() ?? usage.MaxResidentBytes));
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

    private static Dictionary<string, string> NamespaceIds(int pid)
        => new[] { "mnt", "pid", "net", "uts", "ipc", "cgroup" }
            .ToDictionary(ns => ns, ns => new FileInfo($"/proc/{pid}/ns/{ns}").LinkTarget ?? "?");
}
