// Runs in: any process (pure). The init and exec build the filter of a container's command from it.
namespace TinyDocker.Runtime.Security;

/// <summary>
/// Docker's default seccomp profile as data: an allow list (<see cref="Allowed"/>), calls allowed only
/// with a capability (<see cref="ByCapability"/>), and argument rules for socket, personality, clone
/// and clone3. Every other call fails with EPERM; a call newer than <see cref="SyscallTable"/> fails
/// with ENOSYS (as runc does for calls newer than the profile), so libc falls back as on an older kernel.
/// Deliberate differences from docker, all stricter (docs/security.md lists them):
/// ptrace and process_vm_readv/writev need CAP_SYS_PTRACE (docker allows them from kernel 4.8);
/// ioctl TIOCSTI and TIOCLINUX are refused (docker leaves them to the kernel and the capabilities).
/// </summary>
public static partial class DefaultSeccompProfile
{
    public const int EPERM = 1, ENOSYS = 38;

    /// <summary>CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET.</summary>
    public const uint NamespaceFlags = 0x7E02_0000;

    /// <summary>AF_ALG and AF_VSOCK, which docker's profile refuses to socket().</summary>
    public const uint AfAlg = 38, AfVsock = 40;

    /// <summary>Push a byte into a terminal's input; console control (linux/ioctls.h, the same on both architectures).</summary>
    public const uint Tiocsti = 0x5412, Tioclinux = 0x541C;

    /// <summary>PER_LINUX, UNAME26, PER_LINUX32, PER_LINUX32|UNAME26 and the query value, as docker allows.</summary>
    public static readonly uint[] AllowedPersonalities = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

    /// <summary>The calls a capability allows, as docker's profile has them ("SYS_ADMIN" etc., without CAP_).</summary>
    public static readonly (string Capability, string[] Calls)[] ByCapability =
    [
        ("DAC_READ_SEARCH", ["open_by_handle_at"]),
        ("SYS_ADMIN",
        [
            "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie",
            "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr", "mount", "mount_setattr", "move_mount",
            "open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns",
            "syslog", "umount2", "unshare",
        ]),
        ("SYS_BOOT", ["reboot"]),
        ("SYS_CHROOT", ["chroot"]),
        ("SYS_MODULE", ["delete_module", "init_module", "finit_module"]),
        ("SYS_PACCT", ["acct"]),
        ("SYS_PTRACE", ["kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"]),
        ("SYS_RAWIO", ["iopl", "ioperm"]),
        ("SYS_TIME", ["settimeofday", "clock_settime"]),
        ("SYS_TTY_CONFIG", ["vhangup"]),
        ("SYS_NICE", ["get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"]),
        ("SYSLOG", ["syslog"]),
        ("BPF", ["bpf"]),
        ("PERFMON", ["perf_event_open"]),
    ];

    private static readonly SeccompVerdict Allow = SeccompVerdict.Allow, Eperm = SeccompVerdict.Errno(EPERM);

    /// <summary>
    /// What the filter does with each call it does not refuse outright, for a command that holds
    /// <paramref name="capabilities"/> (names as in <see cref="Capabilities.Names"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, SyscallAction> For(IReadOnlyCollection<string> capabilities)
    {
        // Plain loops, no LINQ over tuples: generic code over value types is JIT-compiled in every init.
        var always = new Always(Allow);
        var actions = new Dictionary<string, SyscallAction>(Allowed.Length + 16, StringComparer.Ordinal);
        foreach (var call in Allowed)
        {
            actions[call] = always;
        }
        foreach (var (cap, calls) in ByCapability)
        {
            if (capabilities.Contains(cap))
            {
                foreach (var call in calls)
                {
                    actions[call] = always;
                }
            }
        }
        if (!capabilities.Contains("SYS_ADMIN"))
        {
            actions["clone"] = new ArgumentRule(0, [new(ArgTest.NoBitsOf, NamespaceFlags, Allow)], Eperm);
            // clone3 passes its flags in memory, which a filter cannot read: ENOSYS makes libc fall back to clone.
            actions["clone3"] = new Always(SeccompVerdict.Errno(ENOSYS));
        }
        actions["socket"] = new ArgumentRule(0, [new(ArgTest.Equal, AfAlg, Eperm), new(ArgTest.Equal, AfVsock, Eperm)], Allow);
        var personalities = new ArgCase[AllowedPersonalities.Length];
        for (int i = 0; i < personalities.Length; i++)
        {
            personalities[i] = new ArgCase(ArgTest.Equal, AllowedPersonalities[i], Allow);
        }
        actions["personality"] = new ArgumentRule(0, personalities, Eperm);
        // Not in docker's profile: a command must not type into a terminal (bubblewrap's CVE-2017-5226).
        actions["ioctl"] = new ArgumentRule(1, [new(ArgTest.Equal, Tiocsti, Eperm), new(ArgTest.Equal, Tioclinux, Eperm)], Allow);
        return actions;
    }
}
