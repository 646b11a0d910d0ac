using System.Globalization;

namespace TinyDocker.Client;

/// <summary>A port of the service's loopback to publish on the host: HostPort 0 lets the kernel pick one.</summary>
internal sealed record ServicePort(int ContainerPort, int HostPort = 0, string? HostIp = null)
{
    /// <summary>`-p [HOSTIP:]HOSTPORT:CONTAINERPORT`.</summary>
    public string Spec => string.Create(CultureInfo.InvariantCulture,
        $"{(HostIp is { Length: > 0 } ip ? (ip.Contains(':', StringComparison.Ordinal) && !ip.StartsWith('[') ? $"[{ip}]:" : ip + ":") : "")}{HostPort}:{ContainerPort}");
}

/// <summary>
/// A service beside the tests or the build (a database, a broker): what `run -d` starts and what
/// `wait --for` waits for. Values go to the CLI as given; the CLI checks them (one line, 125).
/// </summary>
internal sealed record ServiceDefinition
{
    public required string Name { get; init; }

    /// <summary>A root filesystem directory, an image archive or a stored image name; null: the host's root.</summary>
    public string? Image { get; init; }
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>KEY=VALUE each.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];
    public IReadOnlyList<string> Volumes { get; init; } = [];
    public IReadOnlyList<string> Tmpfs { get; init; } = [];
    public IReadOnlyList<ServicePort> Ports { get; init; } = [];

    /// <summary>`wait --for` checks, all of which must pass: `tcp:PORT`, `cmd:COMMAND`, `log:REGEX`. None: started is ready.</summary>
    public IReadOnlyList<string> Ready { get; init; } = [];

    /// <summary>How long the checks may take before the start fails with 124.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A running container whose network namespace the service joins (`--network container:NAME`).</summary>
    public string? NetworkOf { get; init; }
    public string? User { get; init; }
    public string? WorkingDirectory { get; init; }
    public string? Memory { get; init; }

    /// <summary>Detached, owned by the process that starts it (RunRequest's `--die-with-parent`), kept until removed.</summary>
    public RunRequest ToRunRequest() => new()
    {
        Name = Name,
        Command = Command,
        Image = Image,
        Environment = Environment,
        Volumes = Volumes,
        Tmpfs = Tmpfs,
        Publish = [.. Ports.Select(p => p.Spec)],
        Network = NetworkOf is { Length: > 0 } other ? "container:" + other : null,
        User = User,
        WorkingDirectory = WorkingDirectory,
        Memory = Memory,
        Detach = true,
    };

    /// <summary>The timeout as the CLI's duration, in milliseconds so no fraction is lost.</summary>
    public string ReadyTimeoutArgument => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (long)Math.Ceiling(ReadyTimeout.TotalMilliseconds))}ms");
}
