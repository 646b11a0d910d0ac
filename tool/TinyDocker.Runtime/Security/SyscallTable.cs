namespace TinyDocker.Runtime.Security;

/// <summary>
/// System call numbers of the calls the seccomp filter looks at, per architecture, in one table
/// (from the kernel's unistd_64.h and asm-generic/unistd.h). Null: the call does not exist there.
/// </summary>
public static class SyscallTable
{
    private static readonly Dictionary<string, (int? X64, int? Arm64)> Numbers = new()
    {
        ["_sysctl"] = (156, null),
        ["acct"] = (163, 89),
        ["add_key"] = (248, 217),
        ["adjtimex"] = (159, 171),
        ["bpf"] = (321, 280),
        ["clock_adjtime"] = (305, 266),
        ["clock_settime"] = (227, 112),
        ["clone"] = (56, 220),
        ["clone3"] = (435, 435),
        ["create_module"] = (174, null),
        ["delete_module"] = (176, 106),
        ["finit_module"] = (313, 273),
        ["fsconfig"] = (431, 431),
        ["fsmount"] = (432, 432),
        ["fsopen"] = (430, 430),
        ["fspick"] = (433, 433),
        ["get_kernel_syms"] = (177, null),
        ["init_module"] = (175, 105),
        ["ioperm"] = (173, null),
        ["iopl"] = (172, null),
        ["kcmp"] = (312, 272),
        ["kexec_file_load"] = (320, 294),
        ["kexec_load"] = (246, 104),
        ["keyctl"] = (250, 219),
        ["lookup_dcookie"] = (212, 18),
        ["mount"] = (165, 40),
        ["mount_setattr"] = (442, 442),
        ["move_mount"] = (429, 429),
        ["nfsservctl"] = (180, 42),
        ["open_by_handle_at"] = (304, 265),
        ["open_tree"] = (428, 428),
        ["perf_event_open"] = (298, 241),
        ["personality"] = (135, 92),
        ["pivot_root"] = (155, 41),
        ["process_vm_readv"] = (310, 270),
        ["process_vm_writev"] = (311, 271),
        ["ptrace"] = (101, 117),
        ["query_module"] = (178, null),
        ["quotactl"] = (179, 60),
        ["quotactl_fd"] = (443, 443),
        ["reboot"] = (169, 142),
        ["request_key"] = (249, 218),
        ["seccomp"] = (317, 277),
        ["setns"] = (308, 268),
        ["settimeofday"] = (164, 170),
        ["swapoff"] = (168, 225),
        ["swapon"] = (167, 224),
        ["sysfs"] = (139, null),
        ["syslog"] = (103, 116),
        ["umount2"] = (166, 39),
        ["unshare"] = (272, 97),
        ["uselib"] = (134, null),
        ["userfaultfd"] = (323, 282),
        ["ustat"] = (136, null),
        ["vhangup"] = (153, 58),
    };

    /// <summary>The call's number on <paramref name="arch"/>, or null when that architecture has no such call.</summary>
    public static int? Number(string name, SeccompArch arch)
        => Numbers.TryGetValue(name, out var n)
            ? arch == SeccompArch.X86_64 ? n.X64 : n.Arm64
            : throw new ArgumentException($"system call `{name}` is not in the table", nameof(name));
}
