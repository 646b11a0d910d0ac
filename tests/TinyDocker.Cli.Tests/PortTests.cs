using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// run -p, port, and PORTS in ps: real connections from the host through the supervisor's relay
/// to servers in a busybox container (busybox httpd, and a small static C server for what httpd
/// cannot show: half-close, many connections at once, a flood to a client that does not read).
/// </summary>
public sealed class PortTests : IClassFixture<BusyboxImage>, IDisposable
{
    /// <summary>
    /// `server PORT`: for each connection (a process each), reads to end of file and answers
    /// "COUNT\n" — so an answer proves the client's half-close arrived — or, when the first byte is
    /// 'F', writes without end (for a client that never reads).
    /// </summary>
    private const string ServerSource = """
        #include <netinet/in.h>
        #include <signal.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            signal(SIGCHLD, SIG_IGN);
            signal(SIGPIPE, SIG_IGN);
            int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
            setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
            if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 128)) { perror("listen"); return 1; }
            printf("ready\n");
            fflush(stdout);
            for (;;) {
                int c = accept(s, 0, 0);
                if (c < 0) continue;
                if (fork() == 0) {
                    char buf[65536];
                    long total = 0, n;
                    while ((n = read(c, buf, sizeof buf)) > 0) {
                        if (total == 0 && buf[0] == 'F') { memset(buf, 'x', sizeof buf); while (write(c, buf, sizeof buf) > 0) {} _exit(0); }
                        total += n;
                    }
                    dprintf(c, "%ld\n", total);
                    _exit(0);
                }
                close(c);
            }
        }
        """;

    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();
    private readonly string _server = CProgram.Build(ServerSource);

    public PortTests(BusyboxImage image) => _image = image;

    public void Dispose() => _tool.Dispose();

    /// <summary>Starts `server 80` (or another command) published on a free port; returns the run and the host port.</summary>
    private (Process Run, int HostPort) StartServer(string name, params string[] command)
    {
        string[] cmd = command.Length > 0 ? command : ["/server", "80"];
        var run = _tool.Start(["run", "--no-cwd", "--image", _image.Dir, "-v", $"{_server}:/server:ro", "-p", "0:80", name, .. cmd]);
        Assert.Equal("ready", run.StandardOutput.ReadLine());
        var port = _tool.Run("port", name, "80");
        Assert.Matches(@"^127\.0\.0\.1:\d+\n$", port.Stdout);
        return (run, int.Parse(port.Stdout.Trim().Split(':')[1]));
    }

    private static async Task<string> SendAndHalfClose(int port, int bytes)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        var data = new byte[bytes];
        Random.Shared.NextBytes(data);
        if (bytes > 0)
        {
            data[0] = (byte)'a'; // not the server's flood request
        }
        for (int sent = 0; sent < bytes;)
        {
            sent += await client.SendAsync(data.AsMemory(sent));
        }
        client.Shutdown(SocketShutdown.Send);
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await client.ReceiveAsync(buffer)) > 0)
        {
            answer.Write(buffer, 0, n);
        }
        return Encoding.ASCII.GetString(answer.ToArray());
    }

    private static void Stop(Process run)
    {
        run.Kill();
        run.WaitForExit();
    }

    [ContainerFact]
    public void Httpd_answers_through_a_free_port_that_port_and_ps_report_and_that_closes_with_the_container()
    {
        var run = _tool.Start(["run", "--no-cwd", "--image", _image.Dir, "-p", "0:80", "-p", "127.0.0.1:0:81/tcp", "web", "sh", "-c",
            "mkdir /www && echo hello-from-httpd > /www/index.html && httpd -p 127.0.0.1:80 -h /www && echo ready && exec sleep 1000"]);
        Assert.Equal("ready", run.StandardOutput.ReadLine());

        var port = _tool.Run("port", "web");
        var lines = port.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^80/tcp -> 127\.0\.0\.1:\d+$", lines[0]);
        Assert.Matches(@"^81/tcp -> 127\.0\.0\.1:\d+$", lines[1]);
        int hostPort = int.Parse(lines[0].Split(':')[1]);
        Assert.NotEqual(0, hostPort);
        using (var http = new HttpClient())
        {
            Assert.Equal("hello-from-httpd\n", http.GetStringAsync($"http://127.0.0.1:{hostPort}/index.html").Result);
        }
        Assert.Equal($"127.0.0.1:{hostPort}\n", _tool.Run("port", "web", "80/tcp").Stdout);
        var none = _tool.Run("port", "web", "5432");
        Assert.Equal((125, "tinydocker: no public port '5432/tcp' published for web\n"), (none.ExitCode, none.Stderr));
        Assert.Contains($"127.0.0.1:{hostPort}->80/tcp, 127.0.0.1:", _tool.Run("ps").Stdout, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(_tool.Run("ps", "--format", "json").Stdout))
        {
            Assert.StartsWith($"127.0.0.1:{hostPort}->80/tcp", json.RootElement[0].GetProperty("ports").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, _tool.Run("stop", "web").ExitCode);
        Assert.True(run.WaitForExit(10_000));
        using var after = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = Assert.Throws<SocketException>(() => after.Connect(IPAddress.Loopback, hostPort));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Empty(_tool.StateEntries());
    }

    [ContainerFact]
    public async Task A_half_close_reaches_the_server_and_many_connections_at_once_are_each_relayed_whole()
    {
        var (run, port) = StartServer("halfclose");

        Assert.Equal("0\n", await SendAndHalfClose(port, 0)); // nothing but the half-close: the server still answers
        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => SendAndHalfClose(port, 1000 + (i * 7919))));

        Assert.Equal(Enumerable.Range(0, 64).Select(i => $"{1000 + (i * 7919)}\n"), answers);
        Stop(run);
    }

    [ContainerFact]
    public async Task A_client_that_never_reads_stalls_only_its_own_connection()
    {
        var (run, port) = StartServer("stall");
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await stalled.ConnectAsync(IPAddress.Loopback, port);
        await stalled.SendAsync("F"u8.ToArray());
        int supervisor = run.Id;
        long rssBefore = Rss(supervisor);

        await Task.Delay(1500); // the server floods; the relay may hold one buffer, the rest waits in the kernel
        var other = await SendAndHalfClose(port, 100_000);

        Assert.Equal("100000\n", other);
        long grown = Rss(supervisor) - rssBefore;
        Assert.True(grown < 64L << 20, $"the supervisor grew by {grown >> 20} MiB while a client did not read");
        Stop(run);
    }

    [ContainerFact]
    public async Task No_server_in_the_container_closes_the_clients_connection_even_when_the_host_listens_on_that_port()
    {
        // The host's own 127.0.0.1:PORT has a server: the relay must reach the container's loopback, not the host's.
        using var hostServer = new TcpListener(IPAddress.Loopback, 0);
        hostServer.Start();
        int hostOnly = ((IPEndPoint)hostServer.LocalEndpoint).Port;
        var run = _tool.Start(["run", "--no-cwd", "--image", _image.Dir, "-p", $"0:{hostOnly}", "absent", "sh", "-c", "echo ready; exec sleep 1000"]);
        Assert.Equal("ready", run.StandardOutput.ReadLine());
        int port = int.Parse(_tool.Run("port", "absent").Stdout.Trim().Split(':')[1]);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        var buffer = new byte[16];
        var read = client.ReceiveAsync(buffer);
        Assert.True(read.Wait(TimeSpan.FromSeconds(10)) || read.IsFaulted, "the relay kept a connection to nothing open");

        Assert.Equal(0, read.IsFaulted ? 0 : read.Result);
        Assert.False(hostServer.Pending(), "the relay connected to the host's own port");
        Stop(run);
    }

    [ContainerFact]
    public void A_port_in_use_is_one_line_and_125_with_nothing_left_behind()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var r = _tool.Run("run", "--no-cwd", "--image", _image.Dir, "-p", $"0:80", "-p", $"{port}:80", "inuse", "true");

        Assert.Equal(125, r.ExitCode);
        Assert.Equal($"tinydocker: cannot publish port 127.0.0.1:{port}: it is already in use\n", r.Stderr);
        Assert.Empty(_tool.StateEntries());
        Assert.Empty(_tool.LeftMounts());
    }

    [ContainerTheory]
    [InlineData("80", "invalid port mapping `80`: expected [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp]")]
    [InlineData("8080:0", "invalid port mapping `8080:0`: `0` is not a port number (1-65535)")]
    [InlineData("8080:80/udp", "invalid port mapping `8080:80/udp`: udp is not supported: the relay carries TCP only")]
    [InlineData("localhost:8080:80", "invalid port mapping `localhost:8080:80`: expected [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp]")]
    [InlineData("99999:80", "invalid port mapping `99999:80`: `99999` is not a port number (0-65535)")]
    public void A_bad_mapping_is_one_line_and_125(string mapping, string message)
    {
        var r = _tool.Run("run", "--no-cwd", "--image", _image.Dir, "-p", mapping, "badport", "true");

        Assert.Equal((125, $"tinydocker: {message}\n"), (r.ExitCode, r.Stderr));
        Assert.Empty(_tool.StateEntries());
    }

    [ContainerFact]
    public void With_the_hosts_network_published_ports_are_dropped_with_dockers_warning()
    {
        var r = _tool.Run("run", "--no-cwd", "--image", _image.Dir, "--network", "host", "-p", "0:80", "hostnet", "true");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("WARNING: Published ports are discarded when using host network mode\n", r.Stderr);
    }

    /// <summary>The real service: Debian's PostgreSQL 15 (host root as the image), initdb then postgres, psql from the host.</summary>
    [ContainerFact]
    public void PostgreSQL_answers_psql_on_the_host_through_a_published_port()
    {
        const string Bin = "/usr/lib/postgresql/15/bin";
        Assert.True(File.Exists($"{Bin}/postgres"), "postgresql-15 is missing: run scripts/install-deps.sh");
        var run = _tool.Start("run", "--no-cwd", "-p", "0:5432", "-u", "postgres", "pg", "sh", "-c",
            $"{Bin}/initdb -D /tmp/pgdata -A trust -U postgres >/dev/null && exec {Bin}/postgres -D /tmp/pgdata -k /tmp -c listen_addresses=127.0.0.1");
        string? line;
        while ((line = run.StandardError.ReadLine()) is not null && !line.Contains("ready to accept connections", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        int port = int.Parse(_tool.Run("port", "pg", "5432").Stdout.Trim().Split(':')[1]);

        var psql = Shell.Run("psql", ["-h", "127.0.0.1", "-p", port.ToString(), "-U", "postgres", "-tAc", "select 40 + 2"]);

        Assert.Equal("42\n", psql.Stdout);
        Stop(run);
    }

    private static long Rss(int pid)
        => long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}
