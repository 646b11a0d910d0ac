// Runs in: the host tool. A dedicated thread leaves the host's namespaces for a running
// container's and starts a further command there; like the namespace thread of `run`, it can
// start no thread after joining the PID namespace, so it only spawns and waits.
using System.Runtime.InteropServices;
using TinyDocker.Runtime.Init;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.State;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>`exec NAME COMMAND`: a further command in a running container, in all its namespaces and its cgroup.</summary>
public static class ContainerExec
{
    // Joined in this order; the mount namespace last, as it changes the thread's root.
    private static readonly (string Name, int Flag)[] Namespaces =
    [
        ("ipc", CLONE_NEWIPC), ("uts", CLONE_NEWUTS), ("net", CLONE_NEWNET), ("pid", CLONE_NEWPID),
        ("cgroup", CLONE_NEWCGROUP), ("mnt", CLONE_NEWNS),
    ];

    public static int Run(LiveContainer container, string[] command)
    {
        // Descriptors this tool inherited without O_CLOEXEC must not reach the command (as in the init).
        Sys.CloseOnExecFrom(3);
        int pid = 0, status = 0;
        Exception? error = null;
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            try
            {
                pid = JoinAndSpawn(container, command);
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
        }) { IsBackground = true, Name = "tinydocker-exec" };
        thread.Start();
        started.Wait();
        if (error is not null)
        {
            throw error;
        }
        var registrations = ContainerRunner.ForwardedSignals.Select(sig => PosixSignalRegistration.Create((PosixSignal)sig, ctx =>
        {
            ctx.Cancel = true;
            Sys.Kill(pid, sig);
        })).ToList();
        thread.Join();
        registrations.ForEach(r => r.Dispose());
        return ExitCodes.FromWaitStatus(status);
    }

    private static int JoinAndSpawn(LiveContainer c, string[] command)
    {
        var spec = c.Spec;
        // Built here: once this thread is in the container's mount namespace it cannot load an assembly.
        var confinement = new Confinement(spec);
        // setns into a mount namespace needs a thread that shares no filesystem state.
        Sys.Unshare(CLONE_FS);
        // Before the mount namespace changes: the host's /sys/fs/cgroup is not the container's.
        var cgroups = CgroupPaths(c.InitPid);
        foreach (var dir in cgroups.Where(d => File.Exists(Path.Combine(d, "tasks"))))
        {
            File.WriteAllText(Path.Combine(dir, "tasks"), Sys.GetTid().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var v2Procs = cgroups.Where(d => !File.Exists(Path.Combine(d, "tasks")))
            .Select(d => new StreamWriter(Path.Combine(d, "cgroup.procs"))).ToList();
        var fds = Namespaces.Select(ns => (ns.Flag, Fd: Sys.Open($"/proc/{c.InitPid}/ns/{ns.Name}", O_RDONLY))).ToList();
        try
        {
            foreach (var (flag, fd) in fds)
            {
                if (flag == CLONE_NEWNET && spec.Network == Spec.NetworkModes.Host)
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
        string executable = CommandLookup.Find("/", command[0], spec.Env, spec.WorkingDir);
        // The same capabilities, no_new_privs, identity and seccomp filter as the container's command.
        confinement.ApplyToThisThread();
        int pid = Sys.Spawn(executable, command, spec.Env, [], out int errno);
        if (pid < 0)
        {
            throw CommandLookup.CannotExecute(command[0], errno);
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
