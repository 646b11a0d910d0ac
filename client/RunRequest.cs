using System.Globalization;

namespace TinyDocker.Client;

/// <summary>
/// One `tinydocker run`, as data, and its argv: the one client contract of both packages. Values
/// are passed to the CLI as given; the CLI validates them (exit 125 with one line) and resolves
/// relative host paths from its current directory, so no package re-checks what it alone decides.
/// </summary>
internal sealed record RunRequest
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>A root filesystem directory, an image archive or a stored image name; null: the host's root.</summary>
    public string? Image { get; init; }
    public IReadOnlyList<string> Volumes { get; init; } = [];
    public IReadOnlyList<string> Environment { get; init; } = [];
    public IReadOnlyList<string> Tmpfs { get; init; } = [];
    public IReadOnlyList<string> CopyOut { get; init; } = [];
    public string? WorkingDirectory { get; init; }
    public string? User { get; init; }

    /// <summary>A tinydocker duration (300, 90s, 5m).</summary>
    public string? Timeout { get; init; }
    public string? Memory { get; init; }
    public string? PidsLimit { get; init; }
    public string? Network { get; init; }

    /// <summary>Capabilities added to the container's set (`--cap-add`), e.g. SYS_PTRACE for dumps.</summary>
    public IReadOnlyList<string> CapAdd { get; init; } = [];

    /// <summary>Where the CLI writes its start and end records (<see cref="RunStatus"/>).</summary>
    public string? JsonStatus { get; init; }

    /// <summary>A directory the container's upper layer (its writes) is saved to before it is discarded.</summary>
    public string? KeepUpper { get; init; }

    /// <summary>`-d`: a service. `run` returns once the command has started; with the `--die-with-parent`
    /// every request carries, the process that ran `run -d` owns it (its end, SIGKILL too, ends the service).</summary>
    public bool Detach { get; init; }

    /// <summary>`--rm`: a detached container leaves no record when it exits.</summary>
    public bool Remove { get; init; }

    /// <summary>`--no-cwd`: the host's current directory is not shared (a service needs none of the caller's files).</summary>
    public bool NoCwd { get; init; }

    /// <summary>`-p [HOSTIP:]HOSTPORT:CONTAINERPORT` each; HOSTPORT 0 picks a free port (<see cref="ContainerVerbs.Port"/>).</summary>
    public IReadOnlyList<string> Publish { get; init; } = [];

    /// <summary>`run [options] NAME COMMAND...`: options first, because the CLI stops reading them at NAME.</summary>
    public IReadOnlyList<string> ToArguments()
    {
        // No container outlives an MSBuild node or a test host that is killed outright.
        var args = new List<string> { "run", "--die-with-parent" };
        if (Detach)
        {
            args.Add("-d");
        }
        if (Remove)
        {
            args.Add("--rm");
        }
        if (NoCwd)
        {
            args.Add("--no-cwd");
        }
        void Add(string option, string? value)
        {
            if (value is { Length: > 0 })
            {
                args.Add(option);
                args.Add(value);
            }
        }
        Add("--image", Image);
        foreach (var e in Environment)
        {
            Add("-e", e);
        }
        foreach (var v in Volumes)
        {
            Add("-v", v);
        }
        foreach (var t in Tmpfs)
        {
            Add("--tmpfs", t);
        }
        foreach (var c in CopyOut)
        {
            Add("--copy-out", c);
        }
        Add("-w", WorkingDirectory);
        Add("-u", User);
        Add("--timeout", Timeout);
        Add("--memory", Memory);
        Add("--pids-limit", PidsLimit);
        Add("--network", Network);
        foreach (var p in Publish)
        {
            Add("-p", p);
        }
        foreach (var c in CapAdd)
        {
            Add("--cap-add", c);
        }
        Add("--json-status", JsonStatus);
        Add("--keep-upper", KeepUpper);
        args.Add(Name);
        args.AddRange(Command);
        return args;
    }

    /// <summary>Seconds as the CLI's duration (a bare number is seconds); null for 0 or less.</summary>
    public static string? Seconds(int seconds) => seconds > 0 ? seconds.ToString(CultureInfo.InvariantCulture) : null;
}
