using System.Globalization;
using System.Net;

namespace TinyDocker.Client;

/// <summary>A service that started and is ready: its name and the host end of each published port.</summary>
internal sealed record RunningService(string Name, IReadOnlyDictionary<int, IPEndPoint> Ports);

/// <summary>A service's log: its stdout and its stderr (the CLI keeps them apart).</summary>
internal sealed record ServiceLogs(string Stdout, string Stderr);

/// <summary>
/// Starts, reads and removes services through the CLI (docs/services.md is the contract): `run -d`
/// owned by this process, `wait --for`, `port`, `logs`, `exec`, `commit`, `rm -f`. Synchronous at
/// its core, for the MSBuild task; the async wrappers are for test fixtures. A start that fails or
/// is cancelled leaves nothing behind: what `run -d` made is removed before the error is thrown.
/// </summary>
internal sealed class ServiceLauncher(CliTool tool, IReadOnlyDictionary<string, string>? cliEnvironment = null)
{
    /// <summary>Lines of the log a failure carries when `wait` did not print them (a start cancelled).</summary>
    public const int LogTailLines = 20;

    public CliTool Tool { get; } = tool;

    public RunningService Start(ServiceDefinition service, CancellationToken cancel = default)
    {
        var run = service.ToRunRequest().ToArguments();
        CliResult started;
        try
        {
            started = Cli(run, cancel);
        }
        catch (OperationCanceledException)
        {
            RemoveStarting(service.Name);
            throw;
        }
        if (started.ExitCode != 0)
        {
            // `run -d` leaves nothing when it fails, and a 125 may mean the name is another's: no rm here.
            throw new ServiceStartException(service.Name, ServiceStartStep.Run, started.ExitCode, started.Reason, null, "");
        }
        try
        {
            if (service.Ready.Count > 0)
            {
                var wait = Cli(ContainerVerbs.WaitFor(service.Name, service.Ready, service.ReadyTimeoutArgument), cancel);
                if (wait.ExitCode != 0)
                {
                    int? code = wait.ExitCode == 1 ? ExitCode(service.Name) : null;
                    Remove(service.Name);
                    throw new ServiceStartException(service.Name, ServiceStartStep.Ready, wait.ExitCode, FirstOwnLine(wait.Stderr) ?? wait.Reason, code, AfterFirstLine(wait.Stderr));
                }
            }
            var ports = service.Ports.Count > 0 ? Ports(service.Name) : new Dictionary<int, IPEndPoint>();
            return new RunningService(service.Name, ports);
        }
        catch (Exception e) when (e is not ServiceStartException)
        {
            Remove(service.Name);
            throw;
        }
    }

    public Task<RunningService> StartAsync(ServiceDefinition service, CancellationToken cancel = default)
        => Task.Run(() => Start(service, cancel), CancellationToken.None);

    /// <summary>Each published container port and where the host reaches it (`port NAME`).</summary>
    public IReadOnlyDictionary<int, IPEndPoint> Ports(string name, CancellationToken cancel = default)
    {
        var verb = ContainerVerbs.Port(name);
        var result = Checked(name, verb, cancel);
        var ports = new Dictionary<int, IPEndPoint>();
        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // `5432/tcp -> 127.0.0.1:49153`, `80/tcp -> [::1]:8080`
            var parts = line.Split(" -> ", 2);
            var container = parts[0].Split('/')[0];
            if (parts.Length == 2 && int.TryParse(container, NumberStyles.None, CultureInfo.InvariantCulture, out int port)
                && IPEndPoint.TryParse(parts[1], out var host))
            {
                ports[port] = host;
            }
        }
        return ports;
    }

    public ServiceLogs Logs(string name, int? tail = null, CancellationToken cancel = default)
    {
        var result = Checked(name, ContainerVerbs.Logs(name, tail), cancel);
        return new ServiceLogs(result.Stdout, result.Stderr);
    }

    public Task<ServiceLogs> LogsAsync(string name, int? tail = null, CancellationToken cancel = default)
        => Task.Run(() => Logs(name, tail, cancel), CancellationToken.None);

    /// <summary>A further command in the service; its exit code is the command's (125: exec itself failed).</summary>
    public CliResult Exec(string name, IReadOnlyList<string> command, string? user = null, CancellationToken cancel = default)
        => Cli(ContainerVerbs.Exec(name, command, user), cancel);

    public Task<CliResult> ExecAsync(string name, IReadOnlyList<string> command, string? user = null, CancellationToken cancel = default)
        => Task.Run(() => Exec(name, command, user, cancel), CancellationToken.None);

    /// <summary>
    /// The service's changes as image IMAGE[:TAG], to start fresh copies from (`commit`). Rootless it is
    /// committed running (no cgroup freezer there): a service still writing meanwhile may be caught mid-write.
    /// </summary>
    public void Commit(string name, string image, CancellationToken cancel = default)
        => Checked(name, ContainerVerbs.Commit(name, image, pause: !ContainerVerbs.Rootless(cliEnvironment)), cancel);

    public Task CommitAsync(string name, string image, CancellationToken cancel = default)
        => Task.Run(() => Commit(name, image, cancel), CancellationToken.None);

    /// <summary>Kills it if it runs and removes its record (`rm -f`); false when there was none to remove.</summary>
    public bool Remove(string name) => Cli(ContainerVerbs.ForceRemove(name), CancellationToken.None).ExitCode == 0;

    public Task<bool> RemoveAsync(string name) => Task.Run(() => Remove(name));

    /// <summary>
    /// After a cancelled `run -d`. SIGTERM makes `run -d` stop the start and return only once nothing
    /// is left (docs/services.md), so the first `rm -f` finds nothing; but a `run -d` that outlived the
    /// grace was SIGKILLed, and its supervisor then tears the start down just after: `rm -f` refuses a
    /// container that is still starting (125), so retry while `ps -a` still lists it.
    /// </summary>
    private void RemoveStarting(string name)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (!Remove(name) && Listed(name) && elapsed.Elapsed < StartingGrace)
        {
            Thread.Sleep(100);
        }
    }

    private static readonly TimeSpan StartingGrace = TimeSpan.FromSeconds(30);

    /// <summary>Whether `ps -a` lists a container of this name (in any state).</summary>
    private bool Listed(string name)
    {
        var ps = Cli(["ps", "-a", "--format", "json"], CancellationToken.None);
        if (ps.ExitCode != 0)
        {
            return false;
        }
        using var doc = System.Text.Json.JsonDocument.Parse(ps.Stdout);
        return doc.RootElement.EnumerateArray().Any(c => c.TryGetProperty("name", out var n) && n.GetString() == name);
    }

    /// <summary>SIGTERM, then SIGKILL after the grace (`stop`); the record stays for `logs` until <see cref="Remove"/>.</summary>
    public void Stop(string name, string? grace = null, CancellationToken cancel = default) => Checked(name, ContainerVerbs.Stop(name, grace), cancel);

    /// <summary>Its exit code once it has exited (plain `wait` blocks until then); null when it left none.</summary>
    public int? ExitCode(string name, CancellationToken cancel = default)
    {
        var result = Cli(ContainerVerbs.Wait(name), cancel);
        return result.ExitCode == 0 && int.TryParse(result.Stdout.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code) ? code : null;
    }

    private CliResult Checked(string name, IReadOnlyList<string> verb, CancellationToken cancel)
    {
        var result = Cli(verb, cancel);
        return result.ExitCode == 0 ? result : throw new ServiceCommandException(name, verb, result);
    }

    private CliResult Cli(IReadOnlyList<string> args, CancellationToken cancel) => CliRunner.Run(Tool, args, cliEnvironment, cancel);

    // `wait`'s stderr: its own line, then the service's log tail as the service wrote it.
    private static string? FirstOwnLine(string stderr)
        => stderr.Split('\n').FirstOrDefault(l => l.StartsWith(CliMessages.Prefix, StringComparison.Ordinal)) is { } line ? line[CliMessages.Prefix.Length..].TrimEnd('\r') : null;

    private static string AfterFirstLine(string stderr)
        => stderr.IndexOf('\n', StringComparison.Ordinal) is int nl and >= 0 ? stderr[(nl + 1)..] : "";
}
