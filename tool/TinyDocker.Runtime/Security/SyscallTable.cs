// Runs in: any process (pure data). The init builds the seccomp filter from it; Interop makes raw calls by it.
using System.Runtime.InteropServices;

namespace TinyDocker.Runtime.Security;

/// <summary>
/// Every system call number tinydocker knows, per architecture, in one table: x86_64 from the kernel's
/// unistd_64.h, aarch64 from asm-generic/unistd.h with arm64's options (renameat, the new stat calls,
/// clone3, memfd_secret), both up to removexattrat (466, Linux 6.13), the newest call docker's
/// profile names. Null: the call does not exist there. The filter refuses every number above the
/// highest one here with ENOSYS, as runc does past its profile, so a newer call looks to libc like
/// one an older kernel lacks.
/// </summary>
public static class SyscallTable
{
    // Three parallel columns, name i with number i: the names one literal split once, the numbers
    // constant data in the assembly (no initializer for the JIT to compile, nothing to parse) -1
    // where the call does not exist. A dictionary initializer of this size cost the init 8 ms of JIT.
    private const string NameList = """
        _sysctl accept accept4 access acct add_key adjtimex afs_syscall alarm arch_prctl bind bpf brk
        cachestat capget capset chdir chmod chown chroot clock_adjtime clock_getres clock_gettime
        clock_nanosleep clock_settime clone clone3 close close_range connect copy_file_range creat
        create_module delete_module dup dup2 dup3 epoll_create epoll_create1 epoll_ctl epoll_ctl_old
        epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit exit_group
        faccessat faccessat2 fadvise64 fallocate fanotify_init fanotify_mark fchdir fchmod fchmodat
        fchmodat2 fchown fchownat fcntl fdatasync fgetxattr finit_module flistxattr flock fork fremovexattr
        fsconfig fsetxattr fsmount fsopen fspick fstat fstatfs fsync ftruncate futex futex_requeue
        futex_wait futex_waitv futex_wake futimesat get_kernel_syms get_mempolicy get_robust_list
        get_thread_area getcpu getcwd getdents getdents64 getegid geteuid getgid getgroups getitimer
        getpeername getpgid getpgrp getpid getpmsg getppid getpriority getrandom getresgid getresuid
        getrlimit getrusage getsid getsockname getsockopt gettid gettimeofday getuid getxattr getxattrat
        init_module inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel io_destroy
        io_getevents io_pgetevents io_setup io_submit io_uring_enter io_uring_register io_uring_setup ioctl
        ioperm iopl ioprio_get ioprio_set kcmp kexec_file_load kexec_load keyctl kill landlock_add_rule
        landlock_create_ruleset landlock_restrict_self lchown lgetxattr link linkat listen listmount
        listxattr listxattrat llistxattr lookup_dcookie lremovexattr lseek lsetxattr lsm_get_self_attr
        lsm_list_modules lsm_set_self_attr lstat madvise map_shadow_stack mbind membarrier memfd_create
        memfd_secret migrate_pages mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap
        modify_ldt mount mount_setattr move_mount move_pages mprotect mq_getsetattr mq_notify mq_open
        mq_timedreceive mq_timedsend mq_unlink mremap mseal msgctl msgget msgrcv msgsnd msync munlock
        munlockall munmap name_to_handle_at nanosleep newfstatat nfsservctl open open_by_handle_at
        open_tree openat openat2 pause perf_event_open personality pidfd_getfd pidfd_open pidfd_send_signal
        pipe pipe2 pivot_root pkey_alloc pkey_free pkey_mprotect poll ppoll prctl pread64 preadv preadv2
        prlimit64 process_madvise process_mrelease process_vm_readv process_vm_writev pselect6 ptrace
        putpmsg pwrite64 pwritev pwritev2 query_module quotactl quotactl_fd read readahead readlink
        readlinkat readv reboot recvfrom recvmmsg recvmsg remap_file_pages removexattr removexattrat rename
        renameat renameat2 request_key restart_syscall rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask
        rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_tgsigqueueinfo sched_get_priority_max
        sched_get_priority_min sched_getaffinity sched_getattr sched_getparam sched_getscheduler
        sched_rr_get_interval sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield
        seccomp security select semctl semget semop semtimedop sendfile sendmmsg sendmsg sendto
        set_mempolicy set_mempolicy_home_node set_robust_list set_thread_area set_tid_address setdomainname
        setfsgid setfsuid setgid setgroups sethostname setitimer setns setpgid setpriority setregid
        setresgid setresuid setreuid setrlimit setsid setsockopt settimeofday setuid setxattr setxattrat
        shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 socket socketpair splice stat
        statfs statmount statx swapoff swapon symlink symlinkat sync sync_file_range syncfs sysfs sysinfo
        syslog tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_settime
        timerfd_create timerfd_gettime timerfd_settime times tkill truncate tuxcall umask umount2 uname
        unlink unlinkat unshare uretprobe uselib userfaultfd ustat utime utimensat utimes vfork vhangup
        vmsplice vserver wait4 waitid write writev
        """;

    private static ReadOnlySpan<short> X64 =>
    [
        156, 43, 288, 21, 163, 248, 159, 183, 37, 158, 49, 321, 12, 451, 125, 126, 80, 90, 92, 161,
        305, 229, 228, 230, 227, 56, 435, 3, 436, 42, 326, 85, 174, 176, 32, 33, 292, 213, 291, 233,
        214, 281, 441, 232, 215, 284, 290, 59, 322, 60, 231, 269, 439, 221, 285, 300, 301, 81, 91, 268,
        452, 93, 260, 72, 75, 193, 313, 196, 73, 57, 199, 431, 190, 432, 430, 433, 5, 138, 74, 77, 202,
        456, 455, 449, 454, 261, 177, 239, 274, 211, 309, 79, 78, 217, 108, 107, 104, 115, 36, 52, 121,
        111, 39, 181, 110, 140, 318, 120, 118, 97, 98, 124, 51, 55, 186, 96, 102, 191, 464, 175, 254,
        253, 294, 255, 210, 207, 208, 333, 206, 209, 426, 427, 425, 16, 173, 172, 252, 251, 312, 320,
        246, 250, 62, 445, 444, 446, 94, 192, 86, 265, 50, 458, 194, 465, 195, 212, 198, 8, 189, 459,
        461, 460, 6, 28, 453, 237, 324, 319, 447, 256, 27, 83, 258, 133, 259, 149, 325, 151, 9, 154,
        165, 442, 429, 279, 10, 245, 244, 240, 243, 242, 241, 25, 462, 71, 68, 70, 69, 26, 150, 152,
        11, 303, 35, 262, 180, 2, 304, 428, 257, 437, 34, 298, 135, 438, 434, 424, 22, 293, 155, 330,
        331, 329, 7, 271, 157, 17, 295, 327, 302, 440, 448, 310, 311, 270, 101, 182, 18, 296, 328, 178,
        179, 443, 0, 187, 89, 267, 19, 169, 45, 299, 47, 216, 197, 466, 82, 264, 316, 249, 219, 84,
        334, 13, 127, 14, 129, 15, 130, 128, 297, 146, 147, 204, 315, 143, 145, 148, 203, 314, 142,
        144, 24, 317, 185, 23, 66, 64, 65, 220, 40, 307, 46, 44, 238, 450, 273, 205, 218, 171, 123,
        122, 106, 116, 170, 38, 308, 109, 141, 114, 119, 117, 113, 160, 112, 54, 164, 105, 188, 463,
        30, 31, 67, 29, 48, 131, 282, 289, 41, 53, 275, 4, 137, 457, 332, 168, 167, 88, 266, 162, 277,
        306, 139, 99, 103, 276, 234, 201, 222, 226, 225, 224, 223, 283, 287, 286, 100, 200, 76, 184,
        95, 166, 63, 87, 263, 272, 335, 134, 323, 136, 132, 280, 235, 58, 153, 278, 236, 61, 247, 1,
        20,
    ];

    private static ReadOnlySpan<short> Arm64 =>
    [
        -1, 202, 242, -1, 89, 217, 171, -1, -1, -1, 200, 280, 214, 451, 90, 91, 49, -1, -1, 51, 266,
        114, 113, 115, 112, 220, 435, 57, 436, 203, 285, -1, -1, 106, 23, -1, 24, -1, 20, 21, -1, 22,
        441, -1, -1, -1, 19, 221, 281, 93, 94, 48, 439, 223, 47, 262, 263, 50, 52, 53, 452, 55, 54, 25,
        83, 10, 273, 13, 32, -1, 16, 431, 7, 432, 430, 433, 80, 44, 82, 46, 98, 456, 455, 449, 454, -1,
        -1, 236, 100, -1, 168, 17, -1, 61, 177, 175, 176, 158, 102, 205, 155, -1, 172, -1, 173, 141,
        278, 150, 148, 163, 165, 156, 204, 209, 178, 169, 174, 8, 464, 105, 27, -1, 26, 28, 3, 1, 4,
        292, 0, 2, 426, 427, 425, 29, -1, -1, 31, 30, 272, 294, 104, 219, 129, 445, 444, 446, -1, 9,
        -1, 37, 201, 458, 11, 465, 12, 18, 15, 62, 6, 459, 461, 460, -1, 233, 453, 235, 283, 279, 447,
        238, 232, -1, 34, -1, 33, 228, 284, 230, 222, -1, 40, 442, 429, 239, 226, 185, 184, 180, 183,
        182, 181, 216, 462, 187, 186, 188, 189, 227, 229, 231, 215, 264, 101, 79, 42, -1, 265, 428, 56,
        437, -1, 241, 92, 438, 434, 424, -1, 59, 41, 289, 290, 288, -1, 73, 167, 67, 69, 286, 261, 440,
        448, 270, 271, 72, 117, -1, 68, 70, 287, -1, 60, 443, 63, 213, -1, 78, 65, 142, 207, 243, 212,
        234, 14, 466, -1, 38, 276, 218, 128, -1, 293, 134, 136, 135, 138, 139, 133, 137, 240, 125, 126,
        123, 275, 121, 120, 127, 122, 274, 118, 119, 124, 277, -1, -1, 191, 190, 193, 192, 71, 269,
        211, 206, 237, 450, 99, -1, 96, 162, 152, 151, 144, 159, 161, 103, 268, 154, 140, 143, 149,
        147, 145, 164, 157, 208, 170, 146, 5, 463, 196, 195, 197, 194, 210, 132, -1, 74, 198, 199, 76,
        -1, 43, 457, 291, 225, 224, -1, 36, 81, 84, 267, -1, 179, 116, 77, 131, -1, 107, 111, 109, 108,
        110, 85, 87, 86, 153, 130, 45, -1, 166, 39, 160, -1, 35, 97, -1, -1, 282, -1, -1, 88, -1, -1,
        58, 75, -1, 260, 95, 64, 66,
    ];

    private static readonly string[] NameColumn = NameList.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
    private static readonly Dictionary<string, int> Index = IndexNames();

    private static Dictionary<string, int> IndexNames()
    {
        var index = new Dictionary<string, int>(NameColumn.Length, StringComparer.Ordinal);
        for (int i = 0; i < NameColumn.Length; i++)
        {
            index.Add(NameColumn[i], i);
        }
        return index;
    }

    private static int? At(int i, SeccompArch arch) => (arch == SeccompArch.X86_64 ? X64[i] : Arm64[i]) is var n and >= 0 ? n : null;

    /// <summary>Every name in the table.</summary>
    public static IEnumerable<string> Names => NameColumn;

    /// <summary>The highest call number on <paramref name="arch"/> the table knows.</summary>
    public static int Highest(SeccompArch arch)
    {
        int highest = -1;
        for (int i = 0; i < NameColumn.Length; i++)
        {
            highest = Math.Max(highest, At(i, arch) ?? -1);
        }
        return highest;
    }

    /// <summary>The call's number on <paramref name="arch"/>, or null when that architecture has no such call.</summary>
    public static int? Number(string name, SeccompArch arch)
        => Index.TryGetValue(name, out int i)
            ? At(i, arch)
            : throw new ArgumentException($"system call `{name}` is not in the table", nameof(name));

    /// <summary>The call's number for this process's architecture, for a raw syscall(2) from Interop.</summary>
    public static long ForThisProcess(string name)
        => Number(name, SeccompArchs.Current) ?? throw new PlatformNotSupportedException(
            $"system call `{name}` does not exist on {RuntimeInformation.ProcessArchitecture}");
}
