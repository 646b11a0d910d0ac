using System.Runtime.InteropServices;
using TinyDocker.Runtime.Security;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Interop;

/// <summary>Checked wrappers: each throws <see cref="SyscallException"/> naming the call, the path and errno.</summary>
internal static unsafe partial class Sys
{
    public const int PR_SET_PDEATHSIG = 1;
    public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    public const int WNOHANG = 1;
    public const uint S_IFCHR = 0x2000;

    public static int LastErrno => Marshal.GetLastPInvokeError();

    private static void Check(int rc, string op, string? path)
    {
        if (rc < 0)
        {
            throw new SyscallException(op, path, Marshal.GetLastPInvokeError());
        }
    }

    public static void Mount(string? source, string target, string? fsType, ulong flags, string? data)
        => Check(mount_(source, target, fsType, flags, data), $"mount {fsType ?? "bind"}", target);

    public static void Umount(string target, int flags) => Check(umount2_(target, flags), "umount", target);

    /// <summary>Creates a directory; an existing one is fine.</summary>
    public static void MkdirIfMissing(string path, uint mode)
    {
        if (mkdir_(path, mode) < 0 && LastErrno != Errno.EEXIST)
        {
            throw new SyscallException("mkdir", path, LastErrno);
        }
    }

    public static bool TryRmdir(string path) => rmdir_(path) == 0;

    public static void Chdir(string path) => Check(chdir_(path), "chdir", path);

    public static void Fchdir(int fd) => Check(fchdir(fd), "fchdir", null);

    public static void Mknod(string path, uint mode, ulong dev) => Check(mknod_(path, mode, dev), "mknod", path);

    public static void Symlink(string target, string linkPath) => Check(symlink_(target, linkPath), "symlink", linkPath);

    public static int Open(string path, int flags, uint mode = 0)
    {
        int fd = open_(path, flags | O_CLOEXEC, mode);
        Check(fd, "open", path);
        return fd;
    }

    /// <summary>Tries to take a flock; false when another holder has it (EWOULDBLOCK).</summary>
    public static bool TryFlock(int fd, int operation, string path)
    {
        if (flock_(fd, operation | LOCK_NB) == 0)
        {
            return true;
        }
        int errno = LastErrno;
        if (errno == Errno.EAGAIN)
        {
            return false;
        }
        throw new SyscallException("flock", path, errno);
    }

    public static void Close(int fd) => close(fd);

    public static void SetHostname(string name)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
        {
            Check(sethostname_(p, (nuint)bytes.Length), "sethostname", name);
        }
    }

    public static void Unshare(int flags) => Check(unshare(flags), "unshare", null);

    public static void SetParentDeathSignal(int signal) => Check(prctl_(PR_SET_PDEATHSIG, (nuint)signal, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)", null);

    public static void PivotRoot(string newRoot, string putOld)
    {
        long number = SyscallTable.ForThisProcess("pivot_root");
        if (syscall_paths(number, newRoot, putOld) < 0)
        {
            throw new SyscallException("pivot_root", newRoot, LastErrno);
        }
    }

    public static void Umask(uint mask) => umask((mode_t)mask);

    public static void SleepMicroseconds(uint microseconds) => usleep(microseconds);

    public static int GetPid() => getpid();

    public static int GetParentPid() => getppid();

    /// <summary>kill(2); false when the process is already gone (ESRCH).</summary>
    public static bool Kill(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>wait4(2), retried on EINTR. Returns the pid, 0 with WNOHANG and nothing ready, or -1 with ECHILD.</summary>
    public static int Wait(int pid, out int status, int options = 0) => Wait(pid, out status, out _, options);

    /// <summary>wait4(2) with the resource usage of the child and the children it waited for.</summary>
    public static int Wait(int pid, out int status, out ResourceUsage usage, int options = 0)
    {
        int s = 0;
        long* ru = stackalloc long[18]; // struct rusage: two timevals, then 14 longs (ru_maxrss first)
        while (true)
        {
            int rc = wait4_(pid, &s, options, ru);
            usage = new ResourceUsage(
                TimeSpan.FromMicroseconds(ru[0] * 1_000_000 + ru[1]),
                TimeSpan.FromMicroseconds(ru[2] * 1_000_000 + ru[3]),
                ru[4] * 1024);
            if (rc >= 0 || LastErrno != Errno.EINTR)
            {
                status = s;
                if (rc < 0 && LastErrno != Errno.ECHILD)
                {
                    throw new SyscallException("wait4", null, LastErrno);
                }
                return rc;
            }
        }
    }

    /// <summary>
    /// A close-on-exec pipe whose descriptors are numbered 10 or more, so that handing them to a
    /// child as fds 3 and 4 can never overwrite one with the other.
    /// </summary>
    public static (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        Check(pipe2(fds, O_CLOEXEC), "pipe2", null);
        return (Above(fds[0], 10), Above(fds[1], 10));
    }

    private static int Above(int fd, int min)
    {
        if (fd >= min)
        {
            return fd;
        }
        int moved = fcntl(fd, F_DUPFD_CLOEXEC, min);
        Check(moved, "fcntl(F_DUPFD_CLOEXEC)", null);
        close(fd);
        return moved;
    }

    /// <summary>True when the other end of a pipe has been closed (the writer is gone).</summary>
    public static bool PeerHungUp(int fd)
    {
        pollfd p = new() { fd = fd, events = (short)POLLIN };
        int rc = poll(&p, 1, 0);
        return rc > 0 && (p.revents & POLLHUP) != 0;
    }

    /// <summary>Brings the loopback interface of the current network namespace up.</summary>
    public static void LoopbackUp()
    {
        const nuint SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914;
        const short IFF_UP = 0x1;
        int sock = socket_(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        Check(sock, "socket", null);
        try
        {
            byte* ifreq = stackalloc byte[40];
            new Span<byte>(ifreq, 40).Clear();
            "lo"u8.CopyTo(new Span<byte>(ifreq, 16));
            Check(ioctl_(sock, SIOCGIFFLAGS, ifreq), "ioctl(SIOCGIFFLAGS)", "lo");
            *(short*)(ifreq + 16) |= IFF_UP;
            Check(ioctl_(sock, SIOCSIFFLAGS, ifreq), "ioctl(SIOCSIFFLAGS)", "lo");
        }
        finally
        {
            close(sock);
        }
    }

    [LibraryImport(Libc, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown_(string path, uint uid, uint gid);

    public static void Lchown(string path, uint uid, uint gid) => Check(lchown_(path, uid, gid), "lchown", path);

    public static uint GetUid() => getuid();

    public static uint GetEffectiveUid() => geteuid();

    public static uint GetGid() => getgid();

    /// <summary>glibc's makedev.</summary>
    public static ulong MakeDev(uint major, uint minor)
        => ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8)
         | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);
}
