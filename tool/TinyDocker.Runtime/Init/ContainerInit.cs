// Runs in: the container's init: PID 1 of the new PID namespace, in the new mount, UTS, IPC
// and network namespaces, started by the supervisor's namespace thread. It sets up the
// filesystem, pivots into it, runs the command and reaps; see docs/architecture.md.
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Init;

public static class ContainerInit
{
    private const int SIGKILL = 9;
    private const string Side = "init";

    /// <summary>The init's whole life; its return value is the container's exit code.</summary>
    public static int Run(string specPath)
    {
        try
        {
            // First: die with the supervisor's thread. Then wait for its go (EOF: it died already).
            Sys.SetParentDeathSignal(SIGKILL);

            Sys.SetCloseOnExec(InitProtocol.ControlFd);
            Sys.SetCloseOnExec(InitProtocol.ReportFd);
            // The host's /proc is still mounted: its "self" names this process by its host pid.
            Sys.WriteAll(InitProtocol.ReportFd, InitProtocol.InitLine(int.Parse(
                new FileInfo("/proc/self").LinkTarget ?? "0", System.Globalization.CultureInfo.InvariantCulture)));
            // The main thread takes the command's credentials before spawning it; without this the
            // command could then open /proc/1/mem and /proc/1/fd of its init, whose other threads keep root.
            Sys.SetNotDumpable();
            // Whatever else the tool inherited without O_CLOEXEC must not reach the command.
            Sys.CloseOnExecFrom(3);
            var spec = SpecJson.Read(specPath);
            if (spec.Rootless)
            {
                Sys.MoveDescriptor(InitProtocol.StderrFd, 2); // the real stderr (Host/InitProtocol.cs)
                // The first step's --keep-caps carried this process's capabilities through its exec as
                // inheritable and ambient ones (Rootless/MapWriter.cs): from here on they are only what
                // an exec as root gives, so nothing this process starts inherits them (--privileged
                // skips the command's own confinement).
                Sys.ClearAmbientCapabilities();
                var (effective, permitted, _) = Sys.GetThreadCapabilities();
                Sys.SetThreadCapabilities(effective, permitted, 0);
            }
            if (spec.DebugSince is { } since)
            {
                PhaseTrace.Enable(since);
            }
            PhaseTrace.Mark(Side, "init running, spec read");
            using var reaper = new Reaper(ContainerRunner.ForwardedSignals);
            if (Sys.ReadByte(InitProtocol.ControlFd) != InitProtocol.Go)
            {
                return ExitCodes.TinyDockerError;
            }
            PhaseTrace.Mark(Side, "go received");
            InitGuard.Check();
            // The supervisor has put this process in its cgroup: that cgroup becomes the namespace's root.
            Sys.Unshare(CLONE_NEWCGROUP);

            Sys.Umask(0);
            Sys.SetHostname(spec.Hostname);
            if (spec.Network == NetworkModes.None)
            {
                Sys.LoopbackUp();
            }
            PhaseTrace.Mark(Side, "hostname, loopback, cgroup namespace set");
            string root = MountPlanner.RootDir(spec);
            var plan = MountPlanner.Plan(spec, CgroupHierarchies.FromMountInfo(File.ReadAllText("/proc/self/mountinfo")));
            var confinement = new Confinement(spec);
            reaper.StartControl();
            PortSockets.Start(spec.Ports.Length > 0);
            // Everything up to the pivot, then the command looked up under the new root, then the pivot.
            MountApplier.Apply(plan.Take(plan.Count - 1).ToList(), root);
            PhaseTrace.Mark(Side, $"{plan.Count - 1} mount operations applied");
            string executable = CommandLookup.Find(root, spec.Command[0], spec.Env, spec.WorkingDir);
            // Held open for the container's life: the host's only way to its upper layer after the pivot.
            int scratchFd = Sys.Open(MountPlanner.ScratchDir(spec), O_PATH | O_DIRECTORY);
            // -t: the terminal comes from the container's own devpts, mounted above; its relay starts before the pivot.
            using var tty = spec.Tty ? TerminalRelay.Open(Path.Combine(root, "dev"), "/dev/pts", spec.User, spec.Interactive) : null;
            tty?.Start();
            MountApplier.Apply([plan[^1]], root);
            PhaseTrace.Mark(Side, "pivoted, old root detached");
            Sys.Chdir(spec.WorkingDir);
            Sys.Umask(0b000_010_010);
            int code = reaper.Run(executable, spec.Command, spec.Env, confinement, scratchFd, tty);
            reaper.WaitForExitPermission();
            return code;
        }
        catch (TinyDockerException e)
        {
            // Straight to fd 2: System.Console would load an assembly on first write, which a
            // JIT-compiled init cannot do once the old root is gone (seen: FileNotFoundException).
            Sys.WriteAll(2, $"tinydocker: {e.Message}\n");
            return e.ExitCode;
        }
    }
}
