using System.Runtime.InteropServices;
using TinyDocker.Runtime.Security;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Interop;

/// <summary>The calls detached containers need: pidfds (owners, namespace joins), a loopback probe, dup2.</summary>
internal static unsafe partial class Sys
{
    [LibraryImport(Libc, EntryPoint = "connect", SetLastError = true)]
    private static partial int connect_(int fd, byte* address, int length);

    [LibraryImport(Libc, EntryPoint = "dup2", SetLastError = true)]
    private static partial int dup2_(int from, int to);

    /// <summary>
    /// A pidfd of <paramref name="pid"/> (close-on-exec): it names that one process for as long as
    /// it is held, never one that reuses the number later; null when there is no such process.
    /// </summary>
    public static int? PidfdOpen(int pid)
    {
        long fd = syscall3(SyscallTable.ForThisProcess("pidfd_open"), (nuint)pid, 0, 0);
        if (fd < 0)
        {
            return LastErrno == Errno.ESRCH ? null : throw new SyscallException("pidfd_open", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), LastErrno);
        }
        return (int)fd;
    }

    /// <summary>Waits until <paramref name="fd"/> is readable (a pidfd: its process exited), at most <paramref name="timeoutMs"/> (-1: for ever).</summary>
    public static bool WaitReadable(int fd, int timeoutMs)
    {
        pollfd p = new() { fd = fd, events = (short)POLLIN };
        while (true)
        {
            int rc = poll(&p, 1, timeoutMs);
            if (rc >= 0)
            {
                return rc > 0;
            }
            if (LastErrno != Errno.EINTR)
            {
                throw new SyscallException("poll", null, LastErrno);
            }
        }
    }

    /// <summary>
    /// True when a TCP connect to 127.0.0.1:<paramref name="port"/> in the calling thread's network
    /// namespace completes within <paramref name="timeoutMs"/>. Nothing is sent or read.
    /// </summary>
    public static bool TryConnectLoopback(int port, int timeoutMs)
    {
        int sock = socket_(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        Check(sock, "socket", null);
        try
        {
            byte* sin = stackalloc byte[16];
            new Span<byte>(sin, 16).Clear();
            *(ushort*)sin = (ushort)AF_INET;
            sin[2] = (byte)(port >> 8);
            sin[3] = (byte)port;
            sin[4] = 127;
            sin[7] = 1;
            if (connect_(sock, sin, 16) == 0)
            {
                return true;
            }
            if (LastErrno != Errno.EINPROGRESS)
            {
                return false;
            }
            pollfd p = new() { fd = sock, events = (short)POLLOUT };
            if (poll(&p, 1, timeoutMs) <= 0)
            {
                return false;
            }
            int error = 0, length = sizeof(int);
            return getsockopt(sock, SOL_SOCKET, SO_ERROR, &error, (socklen_t*)&length) == 0 && error == 0;
        }
        finally
        {
            close(sock);
        }
    }

    /// <summary>The same file at a close-on-exec descriptor numbered 10 or more (so a spawn's dup2 list never clobbers it); the old one closed.</summary>
    public static int Renumber(int fd) => Above(fd, 10);

    public static void Dup2(int from, int to) => Check(dup2_(from, to), "dup2", null);
}
