// Socket calls the port relay needs beyond System.Net.Sockets: a socketpair between the supervisor
// and the init, and a TCP socket passed over it with SCM_RIGHTS (see Host/PortRelay.cs).
using System.Runtime.InteropServices;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Interop;

internal static unsafe partial class Sys
{
    private const int AF_UNIX = 1, SOCK_SEQPACKET = 5;
    private const int SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_CMSG_CLOEXEC = 0x40000000, MSG_NOSIGNAL = 0x4000;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct cmsghdr followed by one int, as CMSG_SPACE(sizeof(int)) lays it out on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct FdMessage
    {
        public nuint Length;
        public int Level;
        public int Type;
        public int Fd;
        private readonly int _padding;
    }

    [LibraryImport(Libc, EntryPoint = "socketpair", SetLastError = true)]
    private static partial int socketpair_(int domain, int type, int protocol, int* sv);

    [LibraryImport(Libc, EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint sendmsg_(int fd, MsgHdr* msg, int flags);

    [LibraryImport(Libc, EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint recvmsg_(int fd, MsgHdr* msg, int flags);

    /// <summary>A connected pair of SOCK_SEQPACKET unix sockets (close-on-exec): message boundaries kept, EOF when one end closes.</summary>
    public static (int A, int B) SeqPacketPair()
    {
        int* sv = stackalloc int[2];
        Check(socketpair_(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), "socketpair", null);
        return (sv[0], sv[1]);
    }

    /// <summary>A new IPv4 TCP socket in the calling thread's network namespace, or -errno.</summary>
    public static int TryTcpSocket()
    {
        int fd = socket_(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        return fd >= 0 ? fd : -LastErrno;
    }

    /// <summary>Sends one byte, <paramref name="tag"/>, with <paramref name="fd"/> attached (none when negative); 0 or errno.</summary>
    public static int TrySendFd(int socket, byte tag, int fd)
    {
        var iov = new IoVec { Base = &tag, Length = 1 };
        var control = new FdMessage { Length = (nuint)(sizeof(nuint) + 2 * sizeof(int) + sizeof(int)), Level = SOL_SOCKET, Type = SCM_RIGHTS, Fd = fd };
        var msg = new MsgHdr { Iov = &iov, IovLength = 1 };
        if (fd >= 0)
        {
            msg.Control = &control;
            msg.ControlLength = (nuint)sizeof(FdMessage);
        }
        while (true)
        {
            if (sendmsg_(socket, &msg, MSG_NOSIGNAL) >= 0)
            {
                return 0;
            }
            if (LastErrno != Errno.EINTR)
            {
                return LastErrno;
            }
        }
    }

    /// <summary>
    /// Receives one message of one byte and the descriptor attached to it (close-on-exec), -1 for
    /// none. Returns the byte, or -1 at end of file or on an error.
    /// </summary>
    public static int ReceiveFd(int socket, out int fd)
    {
        fd = -1;
        byte tag = 0;
        var iov = new IoVec { Base = &tag, Length = 1 };
        FdMessage control = default;
        var msg = new MsgHdr { Iov = &iov, IovLength = 1, Control = &control, ControlLength = (nuint)sizeof(FdMessage) };
        nint n;
        do
        {
            n = recvmsg_(socket, &msg, MSG_CMSG_CLOEXEC);
        }
        while (n < 0 && LastErrno == Errno.EINTR);
        if (msg.ControlLength >= (nuint)(sizeof(nuint) + 3 * sizeof(int)) && control.Level == SOL_SOCKET && control.Type == SCM_RIGHTS)
        {
            fd = control.Fd;
        }
        return n == 1 ? tag : -1;
    }

    /// <summary>Sends one byte without a descriptor (a request); 0 or errno.</summary>
    public static int TrySendByte(int socket, byte value) => TrySendFd(socket, value, -1);

    /// <summary>Receives one byte (a request), -1 at end of file or on an error.</summary>
    public static int ReceiveByte(int socket) => ReceiveFd(socket, out int fd) is var b && fd >= 0 ? CloseAnd(fd, -1) : b;

    private static int CloseAnd(int fd, int result)
    {
        Close(fd);
        return result;
    }
}
