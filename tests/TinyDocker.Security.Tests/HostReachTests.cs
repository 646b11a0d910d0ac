using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>The host's network services, hostname and processes, seen from inside.</summary>
public sealed class HostReachTests(BusyboxImage image) : EscapeTestBase(image)
{
    [ContainerFact]
    public void A_tcp_listener_on_the_hosts_loopback_is_out_of_reach()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string attempt = $"echo hello | nc -w 2 127.0.0.1 {port} && echo CONNECTED";
        // A connection is accepted and closed at once, so that nc sees the end and exits.
        var accepted = listener.AcceptTcpClientAsync().ContinueWith(t =>
        {
            t.Result.Dispose();
            return true;
        }, TaskScheduler.Default);

        var inside = Busybox(attempt);

        Assert.DoesNotContain("CONNECTED", inside.Stdout, StringComparison.Ordinal);
        Assert.False(accepted.IsCompleted);
        // Real: with the host's network the same attempt connects.
        Assert.Contains("CONNECTED", Busybox(attempt, "--network", "host").Stdout, StringComparison.Ordinal);
        Assert.True(accepted.Wait(TimeSpan.FromSeconds(5)));
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void Changing_the_hostname_is_refused_and_would_change_only_the_containers()
    {
        const string attempt = "hostname escaped-host && hostname";

        var inside = Busybox(attempt);
        Assert.DoesNotContain("escaped-host", inside.Stdout, StringComparison.Ordinal); // sethostname needs CAP_SYS_ADMIN
        Host.AssertUntouched();

        // Real: with CAP_SYS_ADMIN the call works, on the container's own UTS namespace only.
        Assert.Equal("escaped-host\n", Busybox(attempt, "--cap-add", "SYS_ADMIN").Stdout);
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void A_host_process_cannot_be_signalled()
    {
        using var sleeper = Process.Start("/bin/sleep", "120");
        try
        {
            string attempt = $"kill -9 {sleeper.Id} && echo KILLED; kill -0 {sleeper.Id} && echo SEEN; ls /proc | grep -c '^[0-9]'";

            var inside = Busybox(attempt);

            Assert.DoesNotContain("KILLED", inside.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("SEEN", inside.Stdout, StringComparison.Ordinal);
            Assert.False(sleeper.HasExited);
            // Real: from the host the same process is there to signal (signal 0 only checks).
            Assert.Contains("SEEN", OnHost($"kill -0 {sleeper.Id} && echo SEEN").Stdout, StringComparison.Ordinal);
            Host.AssertUntouched();
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }
}
