// Runs in: the container's init (PID 1). Built before pivot_root (it reads nothing after it);
// applied on the init's MAIN thread only, right before that thread spawns the command.
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Security;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Init;

/// <summary>
/// The per-thread restrictions the command inherits: bounding set, capabilities, no_new_privs,
/// identity and the seccomp filter. Every one of them acts on the calling thread only, so the
/// init's control thread and .NET's signal thread keep root and all capabilities (they must be
/// able to kill whatever the command becomes), while the main thread, which only spawns, waits
/// and reports, takes the command's restrictions first.
/// </summary>
internal sealed class Confinement
{
    private const int MaxCapability = 63;
    private readonly ContainerSpec _spec;
    private readonly ulong _capabilities;
    private readonly BpfInstruction[]? _seccomp;

    /// <summary>Prepares everything (the BPF program included) while assemblies can still be loaded.</summary>
    public Confinement(ContainerSpec spec)
    {
        _spec = spec;
        _capabilities = Capabilities.Mask(spec.Capabilities);
        _seccomp = spec.Privileged || spec.Seccomp == SeccompModes.Unconfined
            ? null
            : SeccompFilter.ForCommand(spec.Capabilities);
    }

    /// <summary>The capabilities the command keeps (bounding set; effective and permitted unless its uid is not 0).</summary>
    public ulong CapabilityMask => _capabilities;

    /// <summary>The command's seccomp program, or null (--privileged, seccomp unconfined).</summary>
    public IReadOnlyList<BpfInstruction>? Seccomp => _seccomp;

    /// <summary>Restricts the calling thread; irreversible. Call on the thread that will spawn the command.</summary>
    public void ApplyToThisThread()
    {
        if (!_spec.Privileged)
        {
            Sys.SetNoNewPrivs();
            Sys.ClearAmbientCapabilities();
            // The bounding set first (dropping needs CAP_SETPCAP, which capset may remove below).
            for (int cap = 0; cap <= MaxCapability; cap++)
            {
                if ((_capabilities & (1UL << cap)) == 0 && !Sys.DropBoundingCapability(cap))
                {
                    break; // past the kernel's last capability
                }
            }
        }
        if (_spec.User is { } user)
        {
            // Needs SETUID/SETGID, so before capset; a non-zero uid clears permitted and effective itself.
            Sys.SetThreadCredentials(user.Uid, user.Gid);
            // The kernel clears a thread's parent-death signal when its uid or gid changes: armed
            // again, or the init (and the command) would outlive a supervisor killed with SIGKILL.
            Sys.SetParentDeathSignal(Tmds.Linux.LibC.SIGKILL);
        }
        if (!_spec.Privileged)
        {
            ulong keep = _spec.User is { Uid: not 0 } ? 0 : _capabilities;
            // Inheritable stays empty, as in docker since CVE-2022-24769.
            Sys.SetThreadCapabilities(keep, keep, 0);
        }
        if (_seccomp is not null)
        {
            // Last: the filter refuses nothing the steps above need, but nothing after it is ours to undo.
            Sys.LoadSeccompFilter(_seccomp);
        }
    }
}
