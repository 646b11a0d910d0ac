using System.Text.RegularExpressions;

namespace TinyDocker.Build;

/// <summary>
/// The task's parameters as given (strings, items' specs), checked all at once by a list of
/// named checks before anything runs. Relative host paths are taken from <see cref="BaseDirectory"/>
/// (the project's directory), as MSBuild users expect.
/// </summary>
internal sealed partial class RunInputs
{
    public required string BaseDirectory { get; init; }
    public string? Name { get; init; }
    public string? ProjectName { get; init; }
    public string? Image { get; init; }
    public string? Command { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public IReadOnlyList<string> Volumes { get; init; } = [];
    public IReadOnlyList<string> Environment { get; init; } = [];
    public IReadOnlyList<string> CopyOut { get; init; } = [];
    public string? WorkingDirectory { get; init; }
    public int TimeoutSeconds { get; init; }
    public string? Memory { get; init; }
    public int PidsLimit { get; init; }
    public string? Network { get; init; }

    /// <summary>The shell that runs a <see cref="Command"/> string inside the container.</summary>
    public const string Shell = "/bin/sh";

    [GeneratedRegex(@"^[0-9]+[kKmMgG]?\z")]
    private static partial Regex MemoryRegex();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex EnvKeyRegex();

    /// <summary>Every problem with the inputs; empty when they may be run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Name is { Length: > 0 } && !ContainerName.IsValid(Name))
        {
            problems.Add($"Name `{Name}` is not a valid container name: it must match {ContainerName.Pattern}");
        }
        bool hasCommand = !string.IsNullOrWhiteSpace(Command);
        if (hasCommand == Arguments.Count > 0)
        {
            problems.Add(hasCommand
                ? "give either Command (a shell command line) or Arguments (the command and its arguments), not both"
                : "no command: set Command (a shell command line) or Arguments (the command and its arguments)");
        }
        if (Image is { Length: > 0 } && !Directory.Exists(HostPath(Image)))
        {
            problems.Add($"Image `{HostPath(Image)}` does not exist or is not a directory (leave Image empty to use the host's root filesystem)");
        }
        problems.AddRange(Volumes.SelectMany(CheckVolume));
        problems.AddRange(Environment.Where(e => !IsEnvEntry(e)).Select(e => $"EnvironmentVariables entry `{e}` is not KEY=VALUE"));
        problems.AddRange(CopyOut.SelectMany(CheckCopyOut));
        if (WorkingDirectory is { Length: > 0 } && !WorkingDirectory.StartsWith('/'))
        {
            problems.Add($"WorkingDirectory `{WorkingDirectory}` must be an absolute path inside the container");
        }
        if (TimeoutSeconds < 0)
        {
            problems.Add($"Timeout {TimeoutSeconds} must be a positive number of seconds");
        }
        if (Memory is { Length: > 0 } && !MemoryRegex().IsMatch(Memory))
        {
            problems.Add($"Memory `{Memory}` is not a size such as 512m or 1g");
        }
        if (PidsLimit < 0)
        {
            problems.Add($"PidsLimit {PidsLimit} must be positive");
        }
        if (Network is { Length: > 0 } && Network is not ("none" or "host"))
        {
            problems.Add($"Network `{Network}` must be `none` or `host`");
        }
        return problems;
    }

    /// <summary>The validated run; call only when <see cref="Problems"/> is empty.</summary>
    public ContainerRun ToRun() => new()
    {
        Name = Name is { Length: > 0 } ? Name : ContainerName.Default(ProjectName),
        Image = Image is { Length: > 0 } ? HostPath(Image) : null,
        Command = !string.IsNullOrWhiteSpace(Command) ? [Shell, "-c", Command] : Arguments,
        Volumes = Volumes.Select(NormalizeVolume).ToList(),
        Environment = Environment,
        CopyOut = CopyOut.Select(NormalizeCopyOut).ToList(),
        WorkingDirectory = WorkingDirectory is { Length: > 0 } ? WorkingDirectory : null,
        TimeoutSeconds = TimeoutSeconds,
        Memory = Memory is { Length: > 0 } ? Memory : null,
        PidsLimit = PidsLimit,
        Network = Network is { Length: > 0 } ? Network : null,
    };

    private string HostPath(string path) => Path.GetFullPath(path, BaseDirectory);

    private static bool IsEnvEntry(string e)
    {
        int eq = e.IndexOf('=');
        return eq > 0 && EnvKeyRegex().IsMatch(e[..eq]) && !e.Contains('\0');
    }

    private IEnumerable<string> CheckVolume(string spec)
    {
        string[] parts = spec.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            yield return $"Volumes entry `{spec}` is not HOST:CONTAINER or HOST:CONTAINER:ro";
            yield break;
        }
        if (!Path.Exists(HostPath(parts[0])))
        {
            yield return $"Volumes entry `{spec}`: host path `{HostPath(parts[0])}` does not exist";
        }
        if (!parts[1].StartsWith('/'))
        {
            yield return $"Volumes entry `{spec}`: container path `{parts[1]}` must be absolute";
        }
        if (parts.Length == 3 && parts[2] is not ("ro" or "rw"))
        {
            yield return $"Volumes entry `{spec}`: mode `{parts[2]}` must be ro or rw";
        }
    }

    private string NormalizeVolume(string spec)
    {
        string[] parts = spec.Split(':');
        parts[0] = HostPath(parts[0]).TrimEnd('/') is { Length: > 0 } p ? p : "/";
        return string.Join(':', parts);
    }

    private static IEnumerable<string> CheckCopyOut(string spec)
    {
        string[] parts = spec.Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            yield return $"CopyOut entry `{spec}` is not CONTAINER_PATH:HOST_PATH";
        }
        else if (!parts[0].StartsWith('/'))
        {
            yield return $"CopyOut entry `{spec}`: container path `{parts[0]}` must be absolute";
        }
    }

    private string NormalizeCopyOut(string spec)
    {
        string[] parts = spec.Split(':');
        return $"{parts[0]}:{HostPath(parts[1])}";
    }
}
