using System.Net;
using System.Net.Sockets;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// Networks of rootless containers run by an ordinary user: `--network container:NAME` (the
/// joiner shares NAME's user and network namespaces, and reaches nothing NAME could not), its
/// refusals, and `wait --for tcp` of a `--network host` container.
/// </summary>
public sealed class RootlessNetworkTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public RootlessNetworkTests(BusyboxImage image) => _image = image;

    private ToolResult Run(params string[] args) => _tool.Run(args);

    private ToolResult Detach(string name, string[] options, params string[] command)
        => _tool.Run(["run", "-d", "--image", _image.Dir, "--no-cwd", .. options, name, .. command]);

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [RootlessFact]
    public void A_joiner_shares_the_targets_loopback_and_namespaces_and_reaches_nothing_more()
    {
        _tool.RunAs = RootlessUser.WithRanges;
        // A server on the host's 127.0.0.1: the joiner must not find it, a host-network container must.
        using var host = new TcpListener(IPAddress.Loopback, 0);
        host.Start();
        string hostPort = Port(((IPEndPoint)host.LocalEndpoint).Port);
        const string Namespaces = "readlink /proc/self/ns/net /proc/self/ns/user; cat /proc/self/uid_map; tail -n +3 /proc/net/dev | cut -d: -f1";
        try
        {
            Assert.Equal(0, Detach("rn-server", [], "sh", "-c", "echo from-server > /tmp/index.html; exec httpd -f -p 127.0.0.1:8081 -h /tmp").ExitCode);
            var ready = Run("wait", "--for", "tcp:8081", "--timeout", "20s", "rn-server");
            Assert.True(ready.ExitCode == 0, ready.ToString());

            var client = Run("run", "--rm", "--image", _image.Dir, "--no-cwd", "--network", "container:rn-server", "rn-client", "sh", "-c",
                $"wget -qO- http://127.0.0.1:8081/index.html; {Namespaces}; timeout 1 wget -qO- http://127.0.0.1:{hostPort}/; echo host=$?");
            Assert.True(client.ExitCode == 0, client.ToString());
            var lines = Lines(client.Stdout);
            Assert.Equal("from-server", lines[0]);
            Assert.Equal("host=1", lines[^1]); // refused: nothing listens there in the server's namespace
            Assert.False(host.Pending(), "the joiner reached the host's listener");

            // The same network and user namespace, the same ids, the same interfaces (loopback only) as the server's.
            var server = Run("exec", "rn-server", "sh", "-c", Namespaces);
            Assert.True(server.ExitCode == 0, server.ToString());
            Assert.Equal(Lines(server.Stdout), lines[1..^1]);
            Assert.Equal("lo", lines[^2].Trim());
            // But not its processes: the joiner's PID namespace is its own (the server's shows its httpd).
            const string Commands = "cat /proc/[0-9]*/comm";
            Assert.Contains("httpd", Lines(Run("exec", "rn-server", "sh", "-c", Commands).Stdout));
            var ps = Run("run", "--rm", "--image", _image.Dir, "--no-cwd", "--network", "container:rn-server", "rn-ps", "sh", "-c", Commands);
            Assert.True(ps.ExitCode == 0, ps.ToString());
            Assert.DoesNotContain("httpd", Lines(ps.Stdout));

            // Counter-proof: a host-network container reaches the host's listener with the same wget
            // (busybox-static's `wget -T` dies of SIGSEGV here, hence timeout).
            var counter = Run("run", "--rm", "--image", _image.Dir, "--no-cwd", "--network", "host", "rn-hostnet", "timeout", "1", "wget", "-qO-", $"http://127.0.0.1:{hostPort}/");
            Assert.True(host.Pending(), $"the counter-proof did not reach the host's listener: {counter}");
        }
        finally
        {
            Run("rm", "-f", "rn-server");
        }
        Assert.Empty(_tool.StateEntries());
        Assert.Empty(_tool.LeftMounts());
    }

    [RootlessFact]
    public void An_absent_exited_or_host_network_target_is_one_line_and_125_with_nothing_left()
    {
        _tool.RunAs = RootlessUser.WithRanges;
        try
        {
            AssertRefused(Run("run", "--image", _image.Dir, "--no-cwd", "--network", "container:rn-absent", "rn-j1", "true"),
                "tinydocker: no running container named `rn-absent`\n");

            Assert.Equal(0, Detach("rn-exited", [], "true").ExitCode);
            Assert.Equal("0\n", Run("wait", "rn-exited").Stdout);
            AssertRefused(Run("run", "--image", _image.Dir, "--no-cwd", "--network", "container:rn-exited", "rn-j2", "true"),
                "tinydocker: no running container named `rn-exited`\n");

            Assert.Equal(0, Detach("rn-host", ["--network", "host"], "sleep", "100").ExitCode);
            AssertRefused(Run("run", "--image", _image.Dir, "--no-cwd", "--network", "container:rn-host", "rn-j3", "true"),
                "tinydocker: container `rn-host` uses the host's network: a rootless container gets it with --network host\n");
        }
        finally
        {
            Run("rm", "-f", "rn-exited");
            Run("rm", "-f", "rn-host");
        }
        Assert.Empty(_tool.StateEntries());
    }

    [RootlessFact]
    public void Another_users_container_cannot_be_joined()
    {
        // A rootful container (root's own ids) in the same state root as a forced-rootless joiner.
        try
        {
            Assert.Equal(0, Detach("rn-rootful", [], "sleep", "100").ExitCode);
            _tool.Environment["TINYDOCKER_ROOTLESS"] = "1";
            var r = Run("run", "--image", _image.Dir, "--no-cwd", "--network", "container:rn-rootful", "rn-j4", "true");
            AssertRefused(r, "tinydocker: cannot join container `rn-rootful`'s network rootless: it is not rootless (it has the host's ids; run both as root, or both as this user)\n");

            // Another ordinary user cannot even name it: its state root is not theirs.
            _tool.Environment.Remove("TINYDOCKER_ROOTLESS");
            var user = RootlessUser.SingleId!;
            var other = new System.Diagnostics.ProcessStartInfo(TinyTool.Executable)
            {
                ArgumentList = { "run", "--image", _image.Dir, "--no-cwd", "--network", "container:rn-rootful", "rn-j5", "true" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["TINYDOCKER_ROOT"] = _tool.StateRoot, ["TINYDOCKER_DATA"] = _tool.DataRoot },
            };
            using var p = System.Diagnostics.Process.Start(user.Wrap(other))!;
            string stderr = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(125, p.ExitCode);
            Assert.Single(Lines(stderr));
            Assert.StartsWith("tinydocker: ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            _tool.Environment.Remove("TINYDOCKER_ROOTLESS");
            Run("rm", "-f", "rn-rootful");
        }
        Assert.Empty(_tool.StateEntries());
    }

    [RootlessFact]
    public void Wait_for_tcp_of_a_host_network_container_connects_from_the_host()
    {
        _tool.RunAs = RootlessUser.WithRanges;
        using var host = new TcpListener(IPAddress.Loopback, 0);
        host.Start();
        string port = Port(((IPEndPoint)host.LocalEndpoint).Port);
        try
        {
            Assert.Equal(0, Detach("rn-wait-host", ["--network", "host"], "sleep", "100").ExitCode);
            var r = Run("wait", "--for", $"tcp:{port}", "--timeout", "5s", "rn-wait-host");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.True(host.Pending(), "the probe did not connect to the host's port");
            // Counter-proof: with the listener gone the same probe times out.
            host.Stop();
            Assert.Equal(124, Run("wait", "--for", $"tcp:{port}", "--timeout", "1s", "rn-wait-host").ExitCode);
        }
        finally
        {
            Run("rm", "-f", "rn-wait-host");
        }
    }

    private void AssertRefused(ToolResult r, string line)
    {
        Assert.Equal(125, r.ExitCode);
        Assert.Equal(line, r.Stderr);
        Assert.Empty(_tool.LeftMounts());
    }

    public void Dispose() => _tool.Dispose();
}
