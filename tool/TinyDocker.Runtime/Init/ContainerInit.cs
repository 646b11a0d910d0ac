// Runs in: the container's init: PID 1 of the new PID namespace, in the new mount, UTS, IPC,
// network and cgroup namespaces, started by the supervisor's namespace thread. It sets up the
// filesystem, pivots into it, runs the command and reaps; see docs/architecture.md.
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Init;

public static class ContainerInit
{
    private const int SIGKILL = 9;

    /// <summary>The init's whole life; its return value is the container's exit code.</summary>
    public static int Run(string specPath)
    {
        var stderr = Console.Error; // loaded now: after pivot_root no assembly can be loaded
        try
        {
            // First: die with the supervisor's thread. Then check it had not died already.
            Sys.SetParentDeathSignal(SIGKILL);
            var spec = SpecJson.Read(specPath);
            if (Sys.PeerHungUp(NamespaceSpawner.LifelineFd))
            {
                return ExitCodes.TinyDockerError;
            }
            Sys.Close(NamespaceSpawner.LifelineFd); // not to be inherited by the command
            InitGuard.Check();

            Sys.Umask(0);
            Sys.SetHostname(spec.Hostname);
            Sys.LoopbackUp();
            string root = MountPlanner.RootDir(spec);
            var plan = MountPlanner.Plan(spec);
            using var reaper = new Reaper(ContainerRunner.ForwardedSignals);
            // Apply everything up to the pivot, find the command under the new root, then pivot.
            MountApplier.Apply(plan.Take(plan.Count - 1).ToList(), root);
            string executable = CommandLookup.Find(root, spec.Command[0], spec.Env, spec.WorkingDir);
            MountApplier.Apply([plan[^1]], root);
            Sys.Chdir(spec.WorkingDir);
            Sys.Umask(0b000_010_010);
            return reaper.Run(executable, spec.Command, spec.Env);
        }
        catch (TinyDockerException e)
        {
            stderr.WriteLine($"tinydocker: {e.Message}");
            return e.ExitCode;
        }
    }
}
