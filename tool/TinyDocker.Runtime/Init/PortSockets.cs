// Runs in: the container's init (PID 1), on a thread of its own that keeps root (only the main
// thread is confined), in the container's network namespace. Started before pivot_root.
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Init;

/// <summary>
/// The init's half of the port relay: for each request byte on <see cref="InitProtocol.PortFd"/>
/// it makes an unconnected TCP socket — in this process's network namespace, the container's — and
/// sends it back with SCM_RIGHTS. The supervisor connects it to the published port and relays.
/// Nothing the container controls reaches this thread: the socket pair is the supervisor's, and
/// the command inherits neither end (close-on-exec).
/// </summary>
internal static class PortSockets
{
    /// <summary>Starts the thread when the supervisor passed a port socket (the spec publishes ports).</summary>
    public static void Start(bool published)
    {
        if (published)
        {
            Sys.SetCloseOnExec(InitProtocol.PortFd);
            Sys.StartThread("init-ports", Serve);
        }
    }

    private static void Serve()
    {
        while (Sys.ReceiveByte(InitProtocol.PortFd) == InitProtocol.SocketRequest)
        {
            int fd = Sys.TryTcpSocket();
            int sent = Sys.TrySendFd(InitProtocol.PortFd, fd >= 0 ? InitProtocol.SocketReply : InitProtocol.SocketRefused, fd);
            if (fd >= 0)
            {
                Sys.Close(fd);
            }
            if (sent != 0)
            {
                return; // the supervisor is gone
            }
        }
    }
}
