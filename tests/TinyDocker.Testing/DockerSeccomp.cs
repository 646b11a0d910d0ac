namespace TinyDocker.Testing;

/// <summary>Docker's default seccomp profile as the tests expect it, apart from the runtime's own lists.</summary>
public static class DockerSeccomp
{
    /// <summary>
    /// What docker's default profile (moby 28) refuses to a command holding docker's default
    /// capabilities, written out here from the profile itself, apart from the code's allow list:
    /// every call in the table that is neither in its allow list nor allowed by a default capability.
    /// </summary>
    public static readonly string[] Refuses =
    [
        "_sysctl", "acct", "add_key", "afs_syscall", "bpf", "clock_settime", "create_module", "delete_module",
        "fanotify_init", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick", "get_kernel_syms",
        "get_mempolicy", "getpmsg", "init_module", "io_uring_enter", "io_uring_register", "io_uring_setup",
        "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie",
        "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr", "mbind", "migrate_pages", "mount",
        "mount_setattr", "move_mount", "move_pages", "nfsservctl", "open_by_handle_at", "open_tree",
        "perf_event_open", "pidfd_getfd", "pivot_root", "process_madvise", "putpmsg", "query_module", "quotactl",
        "quotactl_fd", "reboot", "request_key", "security", "set_mempolicy", "set_mempolicy_home_node",
        "setdomainname", "sethostname", "setns", "settimeofday", "swapoff", "swapon", "sysfs", "syslog",
        "tuxcall", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vhangup", "vserver",
    ];

    /// <summary>Refused here though docker allows them from kernel 4.8 (docs/security.md): CAP_SYS_PTRACE allows them.</summary>
    public static readonly string[] AlsoRefusedHere = ["ptrace", "process_vm_readv", "process_vm_writev"];
}
