using System.Net;
using TinyDocker.Client;

namespace TinyDocker.Services;

/// <summary>
/// A service container made by <see cref="TinyContainerBuilder"/>. <see cref="StartAsync"/> runs it
/// detached (`run -d`), owned by this process, and returns once the readiness checks pass;
/// disposal stops and removes it. If this process dies, even by SIGKILL, the container dies with
/// it (the CLI's owner rule): there is no reaper and no daemon.
/// </summary>
public sealed class TinyContainer : IAsyncDisposable, IDisposable
{
    private readonly ServiceDefinition _definition;
    private readonly ServiceLauncher _launcher;
    private readonly Lock _lock = new();
    private RunningService? _running;
    private bool _startAttempted;
    private bool _disposed;

    internal TinyContainer(ServiceDefinition definition, ServiceLauncher launcher)
    {
        _definition = definition;
        _launcher = launcher;
    }

    /// <summary>The container's name (for the CLI: `tinydocker logs NAME`, `exec`, `--network container:NAME`).</summary>
    public string Name => _definition.Name;

    /// <summary>Where the host reaches the published ports: the host's loopback.</summary>
    public string Hostname => Running.Ports.Values.FirstOrDefault()?.Address.ToString() ?? IPAddress.Loopback.ToString();

    /// <summary>The container's address inside its own network namespace, where containers that
    /// join it (<see cref="TinyContainerBuilder.WithNetworkOf"/>) reach its servers.</summary>
    public string IpAddress => IPAddress.Loopback.ToString();

    /// <summary>Starts it and waits for its readiness checks. Cancellation kills the start and removes what it made.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_startAttempted)
            {
                throw new InvalidOperationException($"container `{Name}` was already started");
            }
            _startAttempted = true;
        }
        try
        {
            _running = await _launcher.StartAsync(_definition, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceStartException e)
        {
            throw new TinyContainerStartException(e);
        }
    }

    /// <summary>The host port published for <paramref name="containerPort"/> (<see cref="TinyContainerBuilder.WithPortBinding"/>).</summary>
    public int GetMappedPort(int containerPort)
        => Running.Ports.TryGetValue(containerPort, out var host)
            ? host.Port
            : throw new InvalidOperationException($"container `{Name}` publishes no port {containerPort}");

    /// <summary>Its stdout and stderr so far (the last <paramref name="tail"/> lines of each when given).</summary>
    public async Task<TinyContainerLogs> GetLogsAsync(int? tail = null, CancellationToken cancellationToken = default)
    {
        var logs = await _launcher.LogsAsync(Name, tail, cancellationToken).ConfigureAwait(false);
        return new TinyContainerLogs(logs.Stdout, logs.Stderr);
    }

    /// <summary>Runs a further command in it (its namespaces, its user unless <paramref name="user"/>), to its end.</summary>
    public async Task<TinyExecResult> ExecAsync(IReadOnlyList<string> command, string? user = null, CancellationToken cancellationToken = default)
    {
        _ = Running;
        var r = await _launcher.ExecAsync(Name, command, user, cancellationToken).ConfigureAwait(false);
        return new TinyExecResult(r.ExitCode, r.Stdout, r.Stderr);
    }

    /// <summary>Its changes as image <paramref name="image"/> (`name[:tag]`): start fresh containers from this state.</summary>
    public Task CommitAsync(string image, CancellationToken cancellationToken = default)
    {
        _ = Running;
        return _launcher.CommitAsync(Name, image, cancellationToken);
    }

    /// <summary>Stops it (SIGTERM, SIGKILL after the grace); its logs stay readable until disposal.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
        => Task.Run(() => _launcher.Stop(Name, null, cancellationToken), CancellationToken.None);

    /// <summary>Kills and removes it (nothing is left: processes, mounts, cgroup, record).</summary>
    public async ValueTask DisposeAsync()
    {
        if (BeginDispose())
        {
            await _launcher.RemoveAsync(Name).ConfigureAwait(false);
        }
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose()
    {
        if (BeginDispose())
        {
            _launcher.Remove(Name);
        }
    }

    // True when there may be something to remove: a start was tried and this is the first disposal.
    private bool BeginDispose()
    {
        lock (_lock)
        {
            bool remove = _startAttempted && !_disposed;
            _disposed = true;
            return remove;
        }
    }

    private RunningService Running
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _running ?? throw new InvalidOperationException($"container `{Name}` has not been started");
        }
    }
}
