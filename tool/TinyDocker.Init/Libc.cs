// Runs in: nothing at run time; the C library functions and kernel structures tinydocker-init uses.
using System.Runtime.InteropServices;
using RuntimeFree;

namespace TinyInit;

/// <summary>The C library's functions, bound at link time (static musl, or glibc).</summary>
internal static unsafe class Libc
{
    public const int O_RDONLY = 0, O_CREAT = 0x40, O_NOCTTY = 0x100, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000, O_PATH = 0x200000;
#if ARM64
    public const int O_DIRECTORY = 0x4000, O_NOFOLLOW = 0x8000;
#else
    public const int O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000;
#endif
    public const int EINTR = 4, ENOENT = 2, EAGAIN = 11, EEXIST = 17, ENOTDIR = 20, EINVAL = 22, ELOOP = 40, ECHILD = 10, EPERM = 1, EACCES = 13;
    public const int SIGKILL = 9, SIGCHLD = 17, SIG_SETMASK = 2;
    public const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFCHR = 0x2000;
    public const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_BIND = 4096, MS_REC = 16384, MS_PRIVATE = 1 << 18;
    public const int MNT_DETACH = 2, AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000, AT_RECURSIVE = 0x8000;
    public const int PR_SET_PDEATHSIG = 1, PR_SET_DUMPABLE = 4, PR_CAPBSET_DROP = 24, PR_SET_SECCOMP = 22,
        PR_SET_NO_NEW_PRIVS = 38, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_CLEAR_ALL = 4;
    public const int CLONE_NEWCGROUP = 0x02000000;
    public const int F_SETFD = 2, FD_CLOEXEC = 1;
    public const int POLLIN = 1;

    // The same on x86-64 and arm64: numbered after the tables were unified (Linux 5.1).
    public const long SYS_close_range = 436, SYS_openat2 = 437, SYS_mount_setattr = 442;
#if ARM64
    public const long SYS_pivot_root = 41;
    public const int StatModeOffset = 16; // struct stat: st_dev, st_ino, st_mode
#else
    public const long SYS_pivot_root = 155;
    public const int StatModeOffset = 24; // struct stat: st_dev, st_ino, st_nlink, st_mode
#endif
    public const int StatSize = 256; // more than either architecture's struct stat

    [DllImport("libc")] public static extern long syscall(long number, long a, long b, long c, long d, long e);
    [DllImport("libc")] public static extern int open(byte* path, int flags, uint mode);
    [DllImport("libc")] public static extern int close(int fd);
    [DllImport("libc")] public static extern nint read(int fd, byte* buffer, nint count);
    [DllImport("libc")] public static extern nint write(int fd, byte* buffer, nint count);
    [DllImport("libc")] public static extern nint readlink(byte* path, byte* buffer, nint size);
    [DllImport("libc")] public static extern nint readlinkat(int dirfd, byte* path, byte* buffer, nint size);
    [DllImport("libc")] public static extern int mkdir(byte* path, uint mode);
    [DllImport("libc")] public static extern int mkdirat(int dirfd, byte* name, uint mode);
    [DllImport("libc")] public static extern int mknodat(int dirfd, byte* name, uint mode, ulong dev);
    [DllImport("libc")] public static extern int symlinkat(byte* target, int dirfd, byte* name);
    [DllImport("libc")] public static extern int fstat(int fd, byte* stat);
    [DllImport("libc")] public static extern int stat(byte* path, byte* stat);
    [DllImport("libc")] public static extern int mount(byte* source, byte* target, byte* fsType, ulong flags, byte* data);
    [DllImport("libc")] public static extern int umount2(byte* target, int flags);
    [DllImport("libc")] public static extern int chdir(byte* path);
    [DllImport("libc")] public static extern int fchdir(int fd);
    [DllImport("libc")] public static extern uint umask(uint mask);
    [DllImport("libc")] public static extern int sethostname(byte* name, nint length);
    [DllImport("libc")] public static extern int unshare(int flags);
    [DllImport("libc")] public static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
    [DllImport("libc")] public static extern int capget(CapabilityHeader* header, CapabilitySets* data);
    [DllImport("libc")] public static extern int capset(CapabilityHeader* header, CapabilitySets* data);
    [DllImport("libc")] public static extern int setgroups(nint size, uint* groups);
    [DllImport("libc")] public static extern int setresuid(uint ruid, uint euid, uint suid);
    [DllImport("libc")] public static extern int setresgid(uint rgid, uint egid, uint sgid);
    [DllImport("libc")] public static extern int setsid();
    [DllImport("libc")] public static extern int fork();
    [DllImport("libc")] public static extern int execve(byte* path, byte** argv, byte** envp);
    [DllImport("libc")] public static extern void _exit(int code);
    [DllImport("libc")] public static extern int waitpid(int pid, int* status, int options);
    [DllImport("libc")] public static extern int kill(int pid, int signal);
    [DllImport("libc")] public static extern int getpid();
    [DllImport("libc")] public static extern int sigfillset(SignalSet* set);
    [DllImport("libc")] public static extern int sigemptyset(SignalSet* set);
    [DllImport("libc")] public static extern int sigaddset(SignalSet* set, int signal);
    [DllImport("libc")] public static extern int sigprocmask(int how, SignalSet* set, SignalSet* old);
    [DllImport("libc")] public static extern int signalfd(int fd, SignalSet* mask, int flags);
    [DllImport("libc")] public static extern int poll(PollFd* fds, ulong count, int timeout);
    [DllImport("libc")] public static extern int pipe2(int* fds, int flags);
    [DllImport("libc")] public static extern int socket(int domain, int type, int protocol);
    [DllImport("libc")] public static extern int ioctl(int fd, ulong request, byte* argument);
    [DllImport("libc")] public static extern int dup2(int from, int to);
    [DllImport("libc")] public static extern int fcntl(int fd, int command, int argument);
    [DllImport("libc")] public static extern int clock_gettime(int clock, long* time);
    [DllImport("libc")] public static extern void* malloc(nuint size);
    [DllImport("libc")] public static extern void free(void* pointer);
    [DllImport("libc")] public static extern int* __errno_location();

    public static int Errno => *__errno_location();
}

internal struct PollFd
{
    public int Fd;
    public short Events, Revents;
}
