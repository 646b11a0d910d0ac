// Runs in: the detached supervisor (`__supervise`), a host tool process of its own session,
// started by `run -d` (Host/DetachedStart.cs draws the two processes).
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// Reads the spec the client sent, runs the container as any run's supervisor does, and tells
/// the client once the command runs (Host/DetachedHandover.cs). Until the client took it its
/// stderr is the client's messages pipe (a failure is reported by `run -d` itself); from then on
/// /dev/null, its lines going to the log.
/// </summary>
public static class DetachedSupervisor
{
    /// <param name="ownerArg"><see cref="DetachedStart.WithOwner"/> when fd 5 is the owner's pidfd.</param>
    /// <param name="guard">The CLI's error handling: one line on stderr and an exit code.</param>
    public static int Run(string ownerArg, Func<Func<int>, int> guard) => guard(() =>
    {
        ContainerSpec spec;
        using (var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(DetachedStart.SpecFd, ownsHandle: true), FileAccess.Read))
        {
            spec = SpecWire.FromStream(stream);
        }
        int? owner = ownerArg == DetachedStart.WithOwner ? Sys.Renumber(DetachedStart.OwnerFd) : null;
        var handover = new DetachedHandover(Sys.Renumber(DetachedStart.ReadyFd), Sys.Renumber(DetachedStart.AnswerFd));
        var hooks = new DetachedHooks(handover, owner);
        return ContainerRunner.Run(spec, Console.Error, hooks);
    });
}
