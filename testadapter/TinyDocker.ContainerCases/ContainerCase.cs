namespace TinyDocker.TestAdapter;

/// <summary>
/// One container test case as the build declared it: a script, run in its own container from the
/// project directory, with its TinyContainerTest metadata (null or empty: not set). Values are
/// the CLI's to validate.
/// </summary>
internal sealed record ContainerCase(
    string Name,
    string ScriptPath,
    string ProjectDir,
    string? Image,
    string? Timeout,
    string? Memory,
    string? ToolPath,
    string Source)
{
    /// <summary>`none` (the CLI's default) or `host`.</summary>
    public string? Network { get; init; }

    /// <summary>UID[:GID] or NAME[:GROUP].</summary>
    public string? User { get; init; }

    /// <summary>KEY=VALUE entries (KEY alone copies the host's).</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>HOST:CONTAINER[:ro|rw]; a relative HOST is taken from the project directory.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];

    /// <summary>A failing case also attaches its upper layer (everything it wrote) as a tarball.</summary>
    public bool KeepChangesOnFailure { get; init; }

    /// <summary>The services it runs beside, in its `Services` order (the first owns their network).</summary>
    public IReadOnlyList<ServiceDecl> Services { get; init; } = [];

    public bool Equals(ContainerCase? other)
        => other is not null && (Name, ScriptPath, ProjectDir, Image, Timeout, Memory, ToolPath, Source, Network, User, KeepChangesOnFailure)
            == (other.Name, other.ScriptPath, other.ProjectDir, other.Image, other.Timeout, other.Memory, other.ToolPath, other.Source, other.Network, other.User, other.KeepChangesOnFailure)
            && Environment.SequenceEqual(other.Environment) && Volumes.SequenceEqual(other.Volumes) && Services.SequenceEqual(other.Services);

    public override int GetHashCode() => HashCode.Combine(Name, ScriptPath, Source);
}
