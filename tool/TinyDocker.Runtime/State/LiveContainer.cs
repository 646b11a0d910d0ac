using System.Globalization;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.State;

/// <summary>A running container found by name, for the verbs that act on one: exec, stop, kill, diff.</summary>
public sealed record LiveContainer(ContainerSpec Spec, int InitPid, int SupervisorPid, string ScratchDir)
{
    /// <summary>How long a verb waits for a container that holds its name but has not yet recorded its pids.</summary>
    private static readonly TimeSpan StartingWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The container NAME once it runs. One that is still starting (its name is locked, its pids and
    /// scratch directory not yet recorded: the command may already have printed its first line) is
    /// waited for, at most <see cref="StartingWait"/>, so `exec`, `diff` or `commit` right after a
    /// container's first output find it whole rather than failing at random.
    /// </summary>
    public static LiveContainer Open(string root, string name)
    {
        // A name is one directory below the root: `../x` or `/x` must not reach another directory.
        string dir = Path.Combine(root, name);
        var deadline = MonotonicClock.Now + StartingWait;
        while (true)
        {
            if (!SpecValidator.IsValidName(name) || !Directory.Exists(dir) || !ContainerState.IsLocked(dir))
            {
                throw new TinyDockerException($"no running container named `{name}`");
            }
            if (TryReadStarted(dir) is { } started)
            {
                return started;
            }
            if (MonotonicClock.Now > deadline)
            {
                throw new TinyDockerException($"container `{name}` is still starting");
            }
            Thread.Sleep(10);
        }
    }

    private static LiveContainer? TryReadStarted(string dir)
    {
        // Each file appears whole (ContainerState writes by rename): missing means not written yet.
        string? scratch = StateRoot.TryRead(Path.Combine(dir, ContainerState.ScratchFile));
        if (scratch is null || ReadPid(dir, ContainerState.PidFile) is not { } initPid
            || ReadPid(dir, ContainerState.SupervisorFile) is not { } supervisorPid)
        {
            return null;
        }
        // The spec is written before any of the three: once they are there, it is whole.
        return new LiveContainer(SpecJson.Read(Path.Combine(dir, ContainerState.SpecFile)), initPid, supervisorPid, scratch);
    }

    private static int? ReadPid(string dir, string file)
        => int.TryParse(StateRoot.TryRead(Path.Combine(dir, file)), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;

    /// <summary>
    /// As Ctrl-C on its `run`: the first SIGTERM to the supervisor stops the command gracefully;
    /// if it is still there after <paramref name="grace"/>, a second kills every process in it
    /// (results are still copied out). Returns once the container is gone.
    /// </summary>
    public void Stop(TimeSpan grace)
    {
        const int SIGTERM = 15;
        Interop.Sys.Kill(SupervisorPid, SIGTERM);
        if (!WaitGone(Spec.StateRoot, Spec.Name, grace))
        {
            Interop.Sys.Kill(SupervisorPid, SIGTERM);
            WaitGone(Spec.StateRoot, Spec.Name, TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// SIGKILL ends the whole PID namespace at once; the init passes other signals to the command.
    /// Rootless, SIGKILL goes to the init's parent, the first step (Rootless/FirstStep.cs), whose
    /// parent-death signal then kills the init: the run then ends killed, as rootful (util-linux
    /// unshare, whose child is killed with SIGKILL, exits 1 instead, with a line of its own).
    /// </summary>
    public void Signal(int signal)
    {
        const int SIGKILL = 9;
        int target = signal == SIGKILL && Spec.Rootless && ParentOf(InitPid) is { } parent ? parent : InitPid;
        Interop.Sys.Kill(target, signal);
    }

    private static int? ParentOf(int pid)
        => StateRoot.TryRead($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal)) is { } line
           && int.TryParse(line[5..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int ppid) && ppid > 1 ? ppid : null;

    /// <summary>Waits until the container's supervisor has released its name, at most <paramref name="timeout"/>.</summary>
    public static bool WaitGone(string root, string name, TimeSpan timeout)
    {
        string dir = Path.Combine(root, name);
        var deadline = MonotonicClock.Now + timeout;
        while (Directory.Exists(dir) && ContainerState.IsLocked(dir))
        {
            if (MonotonicClock.Now > deadline)
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return true;
    }
}
