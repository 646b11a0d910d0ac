// Runs in: the host tool (the supervisor), in the host's namespaces.
using System.Runtime.InteropServices;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// Runs one container to completion: takes its name, starts its init, forwards signals to it,
/// and removes its state however it ends. Returns the exit code `run` reports.
/// </summary>
public static class ContainerRunner
{
    /// <summary>Signals the supervisor passes on to the container's init, which passes them to the command.</summary>
    public static readonly int[] ForwardedSignals = [2 /*INT*/, 15 /*TERM*/, 1 /*HUP*/, 3 /*QUIT*/, 10 /*USR1*/, 12 /*USR2*/];

    public static int Run(ContainerSpec spec)
    {
        SpecValidator.Validate(spec);
        using var state = ContainerState.Acquire(spec.StateRoot, spec.Name);
        state.WriteSpec(spec);
        var (lifelineRead, lifelineWrite) = Sys.Pipe();
        int initPid = 0;
        var registrations = ForwardedSignals
            .Select(sig => PosixSignalRegistration.Create((PosixSignal)sig, ctx =>
            {
                ctx.Cancel = true;
                if (initPid > 0)
                {
                    Sys.Kill(initPid, sig);
                }
            }))
            .ToList();
        try
        {
            var spawner = NamespaceSpawner.Start(SelfExe.InitArgv(Path.Combine(state.Dir, ContainerState.SpecFile)), lifelineRead);
            initPid = spawner.WaitStarted();
            Sys.Close(lifelineRead);
            lifelineRead = -1;
            state.WritePid(initPid);
            int status = spawner.WaitExited();
            return ExitCodes.FromWaitStatus(status);
        }
        finally
        {
            foreach (var r in registrations)
            {
                r.Dispose();
            }
            if (lifelineRead >= 0)
            {
                Sys.Close(lifelineRead);
            }
            Sys.Close(lifelineWrite);
        }
    }
}
