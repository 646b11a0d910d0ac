// Runs in: the exec helper, `dotnet-tinydocker __exec INITPID`, a process of its own that the
// host half of exec (Host/ContainerExec.cs) starts with a minimal environment. It is not in the
// container's PID namespace itself: one dedicated thread joins the container's namespaces and
// cgroup, takes the command's restrictions and spawns the command there, then waits for it;
// the main thread keeps the host's view, forwards signals and relays a pseudo-terminal (-t).
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Init;

/// <summary>
/// The in-container half of `exec`. It is non-dumpable before it joins anything, so no
/// process of the container can open its /proc/PID/mem, environ or fd (they need
/// CAP_SYS_PTRACE then); and the posix_spawn child, which shares this process's memory until
/// its execve, is non-dumpable with it. Its memory holds only what the host half sent: the
/// container's spec with exec's command, environment, directory and user; never the host
/// tool's environment. See docs/security.md.
/// </summary>
public static class ExecHelper
{
    public const string Verb = "__exec";

    /// <summary>Descriptor the request (the exec's spec as JSON) is read from, to its end.</summary>
    public const int RequestFd = 3;

    private const int SIGKILL = 9;

    // Joined in this order; the mount namespace last, as it changes the thread's root.
    private static readonly (string Name, int Flag)[] Namespaces =
    [
        ("ipc", CLONE_NEWIPC), ("uts", CLONE_NEWUTS), ("net", CLONE_NEWNET), ("pid", CLONE_NEWPID),
        ("cgroup", CLONE_NEWCGROUP), ("mnt", CLONE_NEWNS),
    ];

    public static int Run(string initPidText)
    {
        try
        {
            // First, before reading anything or joining anything.
            Sys.SetNotDumpable();
            Sys.SetParentDeathSignal(SIGKILL);
            Sys.CloseOnExecFrom(RequestFd);
            int initPid = int.Parse(initPidText, System.Globalization.CultureInfo.InvariantCulture);
            ContainerSpec spec;
            using (var request = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(RequestFd, true), FileAccess.Read))
            {
                spec = SpecWire.FromStream(request);
            }
            return Execute(initPid, spec);
        }
        catch (TinyDockerException e)
        {
            Sys.WriteAll(2, $"tinydocker: {e.Message}\n");
            return e.ExitCode;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or FormatException)
        {
            // Started by hand, or by a host half that died while it wrote: no request to act on.
            Sys.WriteAll(2, $"tinydocker: exec helper: no valid request on fd {RequestFd} ({e.GetType().Name})\n");
            return ExitCodes.TinyDockerError;
        }
    }

    private static int Execute(int initPid, ContainerSpec spec)
    {
        int pid = 0, status = 0;
        Exception? error = null;
        TerminalRelay? tty = null;
        using var started = new BlockingEvent();
        using var exited = new BlockingEvent();
        using var forwarder = new SignalForwarder(Host.ContainerRunner.ForwardedSignals);
        // Built here: once the thread below is in the container's mount namespace it cannot load an assembly.
        var confinement = new Confinement(spec);
        var thread = new Thread(() =>
        {
            try
            {
                pid = JoinAndSpawn(initPid, spec, confinement, ref tty);
            }
            catch (Exception e)
            {
                error = e;
            }
            started.Set();
            if (pid > 0)
            {
                Sys.Wait(pid, out status);
            }
            exited.Set();
        }) { IsBackground = true, Name = "tinydocker-exec" };
        thread.Start();
        started.Wait();
        if (error is not null)
        {
            tty?.Dispose();
            throw error as TinyDockerException ?? new TinyDockerException($"exec: {error.Message}");
        }
        tty?.Start();
        forwarder.Target = pid;
        exited.Wait();
        tty?.Finish();
        tty?.Dispose();
        return ExitCodes.FromWaitStatus(status);
    }

    private static int JoinAndSpawn(int initPid, ContainerSpec spec, Confinement confinement, ref TerminalRelay? tty)
    {
        // setns into a mount namespace needs a thread that shares no filesystem state.
        Sys.Unshare(CLONE_FS);
        // Before the mount namespace changes: the host's /sys/fs/cgroup is not the container's.
        var cgroups = CgroupPaths(initPid);
        foreach (var dir in cgroups.Where(d => File.Exists(Path.Combine(d, "tasks"))))
        {
            File.WriteAllText(Path.Combine(dir, "tasks"), Sys.GetTid().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var v2Procs = cgroups.Where(d => !File.Exists(Path.Combine(d, "tasks")))
            .Select(d => new StreamWriter(Path.Combine(d, "cgroup.procs"))).ToList();
        var fds = Namespaces.Select(ns => (ns.Flag, Fd: Sys.Open($"/proc/{initPid}/ns/{ns.Name}", O_RDONLY))).ToList();
        try
        {
            foreach (var (flag, fd) in fds)
            {
                if (flag == CLONE_NEWNET && spec.Network == NetworkModes.Host)
                {
                    continue;
                }
                Sys.SetNs(fd, flag);
            }
        }
        finally
        {
            fds.ForEach(f => Sys.Close(f.Fd));
        }
        Sys.Chdir(spec.WorkingDir);
        string executable = CommandLookup.Find("/", spec.Command[0], spec.Env, spec.WorkingDir);
        tty = spec.Tty ? TerminalRelay.Open("/dev", "/dev/pts", spec.User, spec.Interactive) : null;
        // The same capabilities, no_new_privs, identity and seccomp filter as the container's command.
        confinement.ApplyToThisThread();
        // A session of its own: the caller's terminal is never the command's controlling terminal.
        var session = tty is null ? SpawnSession.Detached : SpawnSession.Terminal(tty.SlavePath);
        int pid = Sys.Spawn(executable, spec.Command, spec.Env, [], session, out int errno);
        tty?.CommandStarted();
        if (pid < 0)
        {
            throw CommandLookup.CannotExecute(spec.Command[0], errno);
        }
        // cgroup v2 moves whole processes only: the command joins right after it starts.
        foreach (var procs in v2Procs)
        {
            procs.Write(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            procs.Dispose();
        }
        return pid;
    }

    /// <summary>The tinydocker cgroups the init is in, as host paths.</summary>
    private static List<string> CgroupPaths(int initPid)
    {
        var dirs = new List<string>();
        foreach (var line in File.ReadLines($"/proc/{initPid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3 || !parts[2].Contains("/" + Cgroups.Cgroup.ParentName + "/", StringComparison.Ordinal))
            {
                continue;
            }
            string controllers = parts[1];
            string mount = controllers.Length == 0 ? Cgroups.Cgroup.MountRoot : Path.Combine(Cgroups.Cgroup.MountRoot, controllers.Split(',')[0]);
            dirs.Add(mount + parts[2]);
        }
        return dirs;
    }
}
