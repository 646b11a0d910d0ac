using System.Globalization;
using System.Net;

namespace TinyDocker.Runtime.Spec;

/// <summary>docker's `-p` syntax, and how a published port is shown (`port`, `ps`).</summary>
public static class PortSpec
{
    public const string DefaultHostIp = "127.0.0.1";

    /// <summary>
    /// `[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp]`; an IPv6 HOSTIP in brackets (`[::1]:8080:80`).
    /// HOSTIP defaults to the loopback address: docker's 0.0.0.0 would publish to the network.
    /// </summary>
    public static PortMapping Parse(string text)
    {
        string body = text;
        string protocol = "tcp";
        int slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            (body, protocol) = (text[..slash], text[(slash + 1)..]);
        }
        if (protocol != "tcp")
        {
            throw Bad(text, protocol is "udp" or "sctp" ? $"{protocol} is not supported: the relay carries TCP only" : null);
        }
        string hostIp = DefaultHostIp;
        if (body.StartsWith('['))
        {
            int close = body.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                throw Bad(text);
            }
            (hostIp, body) = (body[1..close], body[(close + 2)..]);
        }
        var parts = body.Split(':');
        if (parts.Length == 3)
        {
            (hostIp, parts) = (parts[0], parts[1..]);
        }
        if (parts.Length != 2 || !IPAddress.TryParse(hostIp, out var ip) || hostIp.Contains('%'))
        {
            throw Bad(text);
        }
        int hostPort = Port(parts[0], 0, text);
        int containerPort = Port(parts[1], 1, text);
        return new PortMapping(ip.ToString(), hostPort, containerPort, protocol);
    }

    /// <summary>`80/tcp`, as docker names a container's port.</summary>
    public static string ContainerSide(PortMapping p) => $"{p.ContainerPort}/{p.Protocol}";

    /// <summary>`127.0.0.1:49153` or `[::1]:49153`.</summary>
    public static string HostSide(PortMapping p)
        => (p.HostIp.Contains(':') ? $"[{p.HostIp}]" : p.HostIp) + ":" + p.HostPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>docker's PORTS column: `127.0.0.1:49153->80/tcp, …`.</summary>
    public static string Column(IEnumerable<PortMapping> ports) => string.Join(", ", ports.Select(p => $"{HostSide(p)}->{ContainerSide(p)}"));

    /// <summary>The state directory's `ports` file: one `HOSTIP HOSTPORT CONTAINERPORT PROTOCOL` line per published port.</summary>
    public static string StateText(IEnumerable<PortMapping> ports)
        => string.Join('\n', ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.HostIp} {p.HostPort} {p.ContainerPort} {p.Protocol}")));

    public static IReadOnlyList<PortMapping> FromStateText(string? text)
        => (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(f => f.Length == 4)
            .Select(f => new PortMapping(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), f[3]))
            .ToList();

    private static int Port(string text, int min, string whole)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port >= min && port <= 65535
            ? port
            : throw Bad(whole, $"`{text}` is not a port number ({min}-65535)");

    private static TinyDockerException Bad(string text, string? why = null)
        => new($"invalid port mapping `{text}`: {why ?? "expected [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp]"}");
}
