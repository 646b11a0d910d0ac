using System.Globalization;

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
    private readonly List<ServiceDefinition> _started = [];
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
            var ports = new List<PublishedPort>();
            foreach (var (definition, init) in services)
            {
                var d = NetworkOwner is { } owner ? definition with { NetworkOf = owner } : definition;
                StartOne(d, cancel);
                NetworkOwner ??= d.Name;
                if (init is { Length: > 0 })
                {
                    var r = Cli(["exec", d.Name, "/bin/sh", "-c", init], cancel);
                    if (r.ExitCode != 0)
                    {
                        throw new ServiceStartException(d.Name, ServiceStartStep.Ready, r.ExitCode,
                            $"its Init command `{init}` exited with code {r.ExitCode}", null, Tail(r.Stdout + r.Stderr) + LogTail(d.Name));
                    }
                }
                if (d.Ports.Count > 0)
                {
                    ports.AddRange(ReadPorts(d.Name, cancel));
                }
            }
            Ports = ports;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>`commit OWNER IMAGE`: the service's changes as a new image (a snapshot to start each case from).</summary>
    public void Commit(string service, string image, CancellationToken cancel)
    {
        var r = Cli(ContainerVerbs.Commit(service, image), cancel);
        if (r.ExitCode != 0)
        {
            throw new ServiceCommandException(service, ContainerVerbs.Commit(service, image), r);
        }
    }

    /// <summary>The last lines of a service's stdout and stderr, as `logs --tail` gives them; empty if it has no record any more.</summary>
    public string LogTail(string service, int lines = LogTailLines)
    {
        var r = Cli(ContainerVerbs.Logs(service, lines), CancellationToken.None);
        return r.ExitCode == 0 ? r.Stdout + r.Stderr : "";
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
            Cli(ContainerVerbs.ForceRemove(started[i].Name), CancellationToken.None);
        }
    }

    private void StartOne(ServiceDefinition d, CancellationToken cancel)
    {
        var run = Cli(d.ToRunRequest().ToArguments(), cancel);
        if (run.ExitCode != 0)
        {
            // `run -d` leaves nothing when it fails.
            throw new ServiceStartException(d.Name, ServiceStartStep.Run, run.ExitCode, run.Reason, null, "");
        }
        lock (_lock)
        {
            _started.Add(d);
            if (_disposed)
            {
                throw new OperationCanceledException();
            }
        }
        if (d.Ready.Count == 0)
        {
            return;
        }
        var wait = Cli(ContainerVerbs.WaitFor(d.Name, d.Ready, d.ReadyTimeoutArgument), cancel);
        if (wait.ExitCode != 0)
        {
            // `wait` prints its one line, then the last lines of the service's log.
            string[] lines = wait.Stderr.Split('\n');
            string reason = lines[0].StartsWith(CliMessages.Prefix, StringComparison.Ordinal) ? lines[0][CliMessages.Prefix.Length..] : wait.Reason;
            string tail = string.Join('\n', lines.Skip(1));
            int? code = wait.ExitCode == 1 && System.Text.RegularExpressions.Regex.Match(reason, @"exited with code (\d+)") is { Success: true } m
                ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
            throw new ServiceStartException(d.Name, ServiceStartStep.Ready, wait.ExitCode, reason, code, tail);
        }
    }

    private IEnumerable<PublishedPort> ReadPorts(string service, CancellationToken cancel)
    {
        var r = Cli(ContainerVerbs.Port(service), cancel);
        if (r.ExitCode != 0)
        {
            throw new ServiceCommandException(service, ContainerVerbs.Port(service), r);
        }
        // `5432/tcp -> 127.0.0.1:49153`
        foreach (string line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var m = System.Text.RegularExpressions.Regex.Match(line, @"^(\d+)/tcp -> \[?(.+?)\]?:(\d+)$");
            if (m.Success)
            {
                yield return new PublishedPort(service, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value, int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
            }
        }
    }

    private static string Tail(string text)
        => string.Join('\n', text.Split('\n').TakeLast(LogTailLines));

    private CliResult Cli(IReadOnlyList<string> args, CancellationToken cancel) => CliRunner.Run(tool, args, environment, cancel);
}
