using System.Net;
using System.Net.Sockets;
using TinyDocker.Services;

namespace TinyDocker.Services.Tests;

/// <summary>Starts that fail: each gives the CLI's one line and code, and leaves nothing under the test's state root.</summary>
[Collection(ServicesCollection.Name)]
public sealed class HostileStartTests(ServiceImages images)
{
    [RootFact]
    public async Task A_service_that_never_becomes_ready_times_out_with_124_and_its_log_tail()
    {
        var never = images.Builder().WithImage(ServiceImages.Debian)
            .WithCommand("sh", "-c", "echo warming up forever; exec sleep 600")
            .WithReadiness("tcp:5999").WithStartupTimeout(TimeSpan.FromSeconds(1)).Build();

        var e = await Assert.ThrowsAsync<TinyContainerStartException>(() => never.StartAsync());
        await never.DisposeAsync();

        Assert.True(e.TimedOut);
        Assert.Equal(124, e.ExitCode);
        Assert.Contains("not ready after", e.Message, StringComparison.Ordinal);
        Assert.Contains("warming up forever", e.LogTail, StringComparison.Ordinal);
        Leftovers.AssertNone(images, never.Name);
    }

    [RootFact]
    public async Task A_service_that_exits_at_once_fails_the_start_with_its_own_exit_code()
    {
        var quitter = images.Builder().WithImage(ServiceImages.Debian)
            .WithCommand("sh", "-c", "echo no config found >&2; exit 3")
            .WithReadiness("tcp:5432").Build();

        var e = await Assert.ThrowsAsync<TinyContainerStartException>(() => quitter.StartAsync());
        await quitter.DisposeAsync();

        Assert.Equal(1, e.ExitCode);
        Assert.Equal(3, e.ContainerExitCode);
        Assert.Contains("exited with code 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("no config found", e.LogTail, StringComparison.Ordinal);
        Leftovers.AssertNone(images, quitter.Name);
    }

    [RootFact]
    public async Task A_host_port_in_use_is_one_line_and_125()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var clash = images.Redis().WithPortBinding(6379, port).Build();

        var e = await Assert.ThrowsAsync<TinyContainerStartException>(() => clash.StartAsync());
        await clash.DisposeAsync();

        Assert.Equal(125, e.ExitCode);
        Assert.False(e.NotReady);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains($"127.0.0.1:{port}: it is already in use", e.Message, StringComparison.Ordinal);
        Leftovers.AssertNone(images, clash.Name);
    }

    [RootFact]
    public async Task Cancelling_a_start_kills_it_and_leaves_nothing()
    {
        var slow = images.Builder().WithImage(ServiceImages.Debian)
            .WithCommand("sleep", "600").WithReadiness("tcp:5999").WithStartupTimeout(TimeSpan.FromMinutes(5)).Build();
        using var cancel = new CancellationTokenSource();

        var start = slow.StartAsync(cancel.Token);
        // Cancel once it really runs (the wait for readiness has begun), not before `run -d` did anything.
        await Poll.Until(() => images.Tool.Run(["ps"]).Stdout.Contains(slow.Name, StringComparison.Ordinal));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Leftovers.AssertNone(images, slow.Name);
        await slow.DisposeAsync();
    }
}
