namespace TinyDocker.Client;

/// <summary>A published port of a started service: CONTAINERPORT/tcp -> HOSTIP:HOSTPORT.</summary>
internal sealed record PublishedPort(string Service, int ContainerPort, string HostIp, int HostPort)
{
    public string Address => HostIp.Contains(':', StringComparison.Ordinal) ? $"[{HostIp}]:{HostPort}" : $"{HostIp}:{HostPort}";
}

/// <summary>
/// Services that share one network namespace, as a pod's containers do: the first one owns it
/// (its own `none` network: a loopback only), the others join it with `--network container:FIRST`,
/// and every container that uses the group joins it too, so each reaches each at 127.0.0.1:PORT.
/// Started in order, each made ready before the next; removed in the reverse order (`rm -f`:
/// killed, nothing kept). If one fails to start, the ones already started are removed at once.
/// Each service is `run -d --die-with-parent`: owned by this process, so it ends with it even if
/// this process is SIGKILLed (its record then stays, `exited (137)`, until `tinydocker prune`).
/// </summary>
internal sealed class ServiceGroup(CliTool tool, IReadOnlyDictionary<string, string>? environment) : IDisposable
{
    private readonly ServiceLauncher _launcher = new(tool, environment);
    private readonly List<ServiceDefinition> _started = [];
    private readonly List<PublishedPort> _ports = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Lines of a log tail given with a failure.</summary>
    public const int LogTailLines = 30;

    /// <summary>The container whose network namespace the group shares; null before the first start.</summary>
    public string? NetworkOwner { get; private set; }

    /// <summary>`container:OWNER`, what a container that uses the services passes as its network.</summary>
    public string? Network => NetworkOwner is { } o ? "container:" + o : null;

    public IReadOnlyList<PublishedPort> Ports { get; private set; } = [];

    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_lock)
            {
                return [.. _started.Select(s => s.Name)];
            }
        }
    }

    /// <summary>
    /// Starts each service (the first owns the network, the others join it), waits until it is
    /// ready, runs its Init command if it has one (`exec NAME /bin/sh -c INIT`), and reads its
    /// published ports. Throws <see cref="ServiceStartException"/> with the service's log tail;
    /// the services already started are removed first.
    /// </summary>
    public void Start(IReadOnlyList<(ServiceDefinition Definition, string? Init)> services, CancellationToken cancel)
    {
        try
        {
            foreach (var (definition, init) in services)
            {
                var d = NetworkOwner is { } owner ? definition with { NetworkOf = owner } : definition;
                StartOne(d, cancel);
                NetworkOwner ??= d.Name;
                if (init is { Length: > 0 })
                {
                    var r = _launcher.Exec(d.Name, ["/bin/sh", "-c", init], cancel: cancel);
                    if (r.ExitCode != 0)
                    {
                        throw new ServiceStartException(d.Name, ServiceStartStep.Ready, r.ExitCode,
                            $"its Init command `{init}` exited with code {r.ExitCode}", null, Tail(r.Stdout + r.Stderr) + LogTail(d.Name));
                    }
                }
            }
            Ports = [.. _ports];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>`commit OWNER IMAGE`: the service's changes as a new image (a snapshot to start each case from).</summary>
    public void Commit(string service, string image, CancellationToken cancel) => _launcher.Commit(service, image, cancel);

    /// <summary>The last lines of a service's stdout and stderr, as `logs --tail` gives them; empty if it has no record any more.</summary>
    public string LogTail(string service, int lines = LogTailLines)
    {
        try
        {
            var logs = _launcher.Logs(service, lines);
            return logs.Stdout + logs.Stderr;
        }
        catch (ServiceCommandException)
        {
            return "";
        }
    }

    /// <summary>Removes every service (`rm -f`, the joiners first): killed, their records gone.</summary>
    public void Dispose()
    {
        ServiceDefinition[] started;
        lock (_lock)
        {
            _disposed = true;
            started = [.. _started];
            _started.Clear();
        }
        for (int i = started.Length - 1; i >= 0; i--)
        {
            _launcher.Remove(started[i].Name);
        }
    }

    private void StartOne(ServiceDefinition d, CancellationToken cancel)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                throw new OperationCanceledException();
            }
            // Listed before it starts: a Dispose meanwhile removes it too (`rm -f` of a name not made yet is harmless).
            _started.Add(d);
        }
        try
        {
            var running = _launcher.Start(d, cancel);
            _ports.AddRange(running.Ports.Select(p => new PublishedPort(d.Name, p.Key, p.Value.Address.ToString(), p.Value.Port)));
        }
        catch (ServiceStartException)
        {
            // The launcher left nothing of it.
            lock (_lock)
            {
                _started.Remove(d);
            }
            throw;
        }
    }

    private static string Tail(string text)
        => string.Join('\n', text.Split('\n').TakeLast(LogTailLines));
}
