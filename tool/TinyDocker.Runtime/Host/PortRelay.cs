// Runs in: the host tool (the supervisor), in the host's namespaces; its sockets on the host are
// made on the main thread, never on the namespace thread. The container side of each connection
// is a socket the init made in the container's network namespace (Init/PortSockets.cs).
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// Published ports (-p): a listener on the host per mapping, and for each connection accepted a
/// TCP socket of the container's network namespace, asked of the init over a socket pair and
/// received with SCM_RIGHTS, connected to 127.0.0.1:CONTAINERPORT there, and relayed both ways.
/// The supervisor never enters the container's namespace (no setns, no iptables), so the same code
/// works when that namespace belongs to a user namespace the supervisor is outside of (rootless).
/// Each direction ends on its own (a half-close is passed on as shutdown(SHUT_WR)); a reset or an
/// error on either side closes both. A client that never reads holds only its own connection:
/// each is relayed asynchronously with one buffer per direction, so memory stays bounded.
/// </summary>
internal sealed class PortRelay : IDisposable
{
    private const int Backlog = 512, BufferSize = 64 * 1024;
    private readonly List<(PortMapping Mapping, Socket Listener)> _listeners = [];
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private readonly SemaphoreSlim _requests = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _ours;
    private int _theirs;

    private PortRelay(IEnumerable<PortMapping> mappings)
    {
        (_ours, _theirs) = Sys.SeqPacketPair();
        try
        {
            foreach (var m in mappings)
            {
                _listeners.Add(Listen(m));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Binds every listener (a port in use fails here, before any namespace exists); null without -p.</summary>
    public static PortRelay? Open(ContainerSpec spec) => spec.Ports.Length == 0 ? null : new PortRelay(spec.Ports);

    /// <summary>The mappings with the ports actually bound (HOSTPORT 0 became a free one).</summary>
    public IReadOnlyList<PortMapping> Published => _listeners.Select(l => l.Mapping).ToList();

    /// <summary>The init's end of the socket pair, handed to it as <see cref="InitProtocol.PortFd"/>.</summary>
    public (int From, int To) InitEnd => (_theirs, InitProtocol.PortFd);

    /// <summary>Once the init holds its end: our copy goes, so the pair ends (EOF) when the init does.</summary>
    public void InitSpawned()
    {
        Sys.Close(_theirs);
        _theirs = -1;
    }

    public void Start()
    {
        foreach (var (mapping, listener) in _listeners)
        {
            _ = AcceptLoop(listener, mapping.ContainerPort);
        }
    }

    private static (PortMapping, Socket) Listen(PortMapping m)
    {
        var ip = IPAddress.Parse(m.HostIp);
        var listener = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(ip, m.HostPort));
            listener.Listen(Backlog);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            string where = PortSpec.HostSide(m);
            throw new TinyDockerException(e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => $"cannot publish port {where}: it is already in use",
                SocketError.AddressNotAvailable => $"cannot publish port {where}: {m.HostIp} is not an address of this host",
                SocketError.AccessDenied => $"cannot publish port {where}: a port below 1024 needs privileges",
                _ => $"cannot publish port {where}: {e.Message}",
            }, inner: e);
        }
        return (m with { HostPort = ((IPEndPoint)listener.LocalEndPoint!).Port }, listener);
    }

    private async Task AcceptLoop(Socket listener, int containerPort)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
                continue; // one failed accept (EMFILE, a reset in the queue) is not the end of the listener
            }
            _ = Relay(client, containerPort);
        }
    }

    private async Task Relay(Socket client, int containerPort)
    {
        Socket? inner = null;
        _connections[client] = 0;
        try
        {
            inner = await ContainerSocket().ConfigureAwait(false);
            if (inner is null)
            {
                return;
            }
            _connections[inner] = 0;
            await inner.ConnectAsync(new IPEndPoint(IPAddress.Loopback, containerPort), _stop.Token).ConfigureAwait(false);
            var up = Pump(client, inner);
            var down = Pump(inner, client);
            var first = await Task.WhenAny(up, down).ConfigureAwait(false);
            if (!await first.ConfigureAwait(false))
            {
                return; // reset or error: both sides close now
            }
            await (first == up ? down : up).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Refused in the container (nothing listens) or torn down: the client's connection is closed.
        }
        finally
        {
            Close(client);
            if (inner is not null)
            {
                Close(inner);
            }
        }
    }

    /// <summary>Copies until end of file (true; passed on as a half-close) or an error (false).</summary>
    private async Task<bool> Pump(Socket from, Socket to)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return true;
                }
                for (int sent = 0; sent < n;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A new unconnected TCP socket of the container's network namespace, from the init; null once the init is gone.</summary>
    private async Task<Socket?> ContainerSocket()
    {
        await _requests.WaitAsync(_stop.Token).ConfigureAwait(false);
        try
        {
            if (Sys.TrySendByte(_ours, InitProtocol.SocketRequest) != 0)
            {
                return null;
            }
            // The init answers at once (one socket(2) call): this blocks a pool thread for microseconds.
            int reply = Sys.ReceiveFd(_ours, out int fd);
            if (reply != InitProtocol.SocketReply || fd < 0)
            {
                if (fd >= 0)
                {
                    Sys.Close(fd);
                }
                return null;
            }
            return new Socket(new SafeSocketHandle((nint)fd, ownsHandle: true));
        }
        finally
        {
            _requests.Release();
        }
    }

    private void Close(Socket socket)
    {
        _connections.TryRemove(socket, out _);
        socket.Dispose();
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var (_, listener) in _listeners)
        {
            listener.Dispose();
        }
        foreach (var socket in _connections.Keys)
        {
            socket.Dispose();
        }
        Sys.Close(_ours);
        if (_theirs >= 0)
        {
            Sys.Close(_theirs);
        }
    }
}
