namespace TinyDocker.Runtime.Security;

/// <summary>
/// What docker's default seccomp profile refuses, as rules: calls that administer the machine
/// (mount, modules, kexec, clocks, swap, reboot, quotas, accounting), reach across the container
/// boundary (ptrace and process_vm_*, setns, unshare, namespace-creating clone,
/// open_by_handle_at, the kernel keyring) or widen the kernel's attack surface (bpf,
/// perf_event_open, userfaultfd, personality changes). Everything else is allowed.
/// </summary>
public static class DefaultSeccompPolicy
{
    private const int EPERM = 1, ENOSYS = 38;

    /// <summary>CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET.</summary>
    public const uint NamespaceFlags = 0x7E02_0000;

    /// <summary>PER_LINUX, UNAME26, PER_LINUX32, PER_LINUX32|UNAME26 and the query value, as docker allows.</summary>
    public static readonly uint[] AllowedPersonalities = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

    public static readonly string[] DeniedCalls =
    [
        "_sysctl", "acct", "add_key", "adjtimex", "bpf", "clock_adjtime", "clock_settime", "create_module",
        "delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick", "get_kernel_syms",
        "init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie",
        "mount", "mount_setattr", "move_mount", "nfsservctl", "open_by_handle_at", "open_tree",
        "perf_event_open", "pivot_root", "process_vm_readv", "process_vm_writev", "ptrace", "query_module",
        "quotactl", "quotactl_fd", "reboot", "request_key", "setns", "settimeofday", "swapoff", "swapon",
        "sysfs", "syslog", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vhangup",
    ];

    public static IReadOnlyList<SeccompRule> Rules { get; } =
    [
        .. DeniedCalls.Select(c => new DenyCall(c, EPERM)),
        new DenyWhenArgHasBits("clone", 0, NamespaceFlags, EPERM),
        // clone3 passes its flags in memory, which a filter cannot read: ENOSYS makes libc fall back to clone.
        new DenyCall("clone3", ENOSYS),
        new AllowOnlyArgValues("personality", 0, AllowedPersonalities, EPERM),
    ];
}
