namespace TinyDocker.Build;

/// <summary>
/// One validated container run, as data: what the task's parameters asked for, with relative
/// host paths already made absolute. Turned into the CLI's argv by <see cref="ToCliArguments"/>.
/// </summary>
internal sealed record ContainerRun
{
    public required string Name { get; init; }
    public string? Image { get; init; }
    public required IReadOnlyList<string> Command { get; init; }
    public IReadOnlyList<string> Volumes { get; init; } = [];
    public IReadOnlyList<string> Environment { get; init; } = [];
    public IReadOnlyList<string> CopyOut { get; init; } = [];
    public string? WorkingDirectory { get; init; }
    public int TimeoutSeconds { get; init; }
    public string? Memory { get; init; }
    public int PidsLimit { get; init; }
    public string? Network { get; init; }

    /// <summary>`run [options] NAME COMMAND...`: options first, because the CLI stops reading them at NAME.</summary>
    public IReadOnlyList<string> ToCliArguments()
    {
        // The container must not outlive an MSBuild node that is killed outright.
        var args = new List<string> { "run", "--die-with-parent" };
        if (Image is not null)
        {
            args.AddRange(["--image", Image]);
        }
        foreach (var e in Environment)
        {
            args.AddRange(["-e", e]);
        }
        foreach (var v in Volumes)
        {
            args.AddRange(["-v", v]);
        }
        foreach (var c in CopyOut)
        {
            args.AddRange(["--copy-out", c]);
        }
        if (WorkingDirectory is not null)
        {
            args.AddRange(["-w", WorkingDirectory]);
        }
        if (TimeoutSeconds > 0)
        {
            args.AddRange(["--timeout", TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        if (Memory is not null)
        {
            args.AddRange(["--memory", Memory]);
        }
        if (PidsLimit > 0)
        {
            args.AddRange(["--pids-limit", PidsLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        if (Network is not null)
        {
            args.AddRange(["--network", Network]);
        }
        args.Add(Name);
        args.AddRange(Command);
        return args;
    }
}
