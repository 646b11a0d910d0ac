using TinyDocker.Client;

namespace TinyDocker.Build;

/// <summary>
/// The task's parameters as given. The task checks only what is its own (Command or Arguments,
/// one of them); every value goes to the CLI untouched, which validates it (exit 125, TD004 with
/// its line) and resolves relative host paths from the project's directory, where it is started.
/// </summary>
internal sealed class RunInputs
{
    public string? Name { get; init; }
    public string? ProjectName { get; init; }
    public string? Image { get; init; }
    public string? Command { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public IReadOnlyList<string> Volumes { get; init; } = [];
    public IReadOnlyList<string> Environment { get; init; } = [];
    public IReadOnlyList<string> CopyOut { get; init; } = [];
    public IReadOnlyList<string> Tmpfs { get; init; } = [];
    public IReadOnlyList<string> CapAdd { get; init; } = [];
    public string? WorkingDirectory { get; init; }
    public int TimeoutSeconds { get; init; }
    public string? Memory { get; init; }
    public int PidsLimit { get; init; }
    public string? Network { get; init; }

    /// <summary>The shell that runs a <see cref="Command"/> string inside the container.</summary>
    public const string Shell = "/bin/sh";

    /// <summary>The problems only the task can see; empty when the run may be handed to the CLI.</summary>
    public IReadOnlyList<string> Problems()
    {
        bool hasCommand = !string.IsNullOrWhiteSpace(Command);
        if (hasCommand == Arguments.Count > 0)
        {
            return [hasCommand
                ? "give either Command (a shell command line) or Arguments (the command and its arguments), not both"
                : "no command: set Command (a shell command line) or Arguments (the command and its arguments)"];
        }
        return [];
    }

    /// <summary>The run for the CLI; call only when <see cref="Problems"/> is empty.</summary>
    public RunRequest ToRun(string? jsonStatus) => new()
    {
        Name = Name is { Length: > 0 } ? Name : ContainerName.Default(ProjectName),
        Image = Blank(Image),
        Command = !string.IsNullOrWhiteSpace(Command) ? [Shell, "-c", Command] : Arguments,
        Volumes = Volumes,
        Environment = Environment,
        CopyOut = CopyOut,
        Tmpfs = Tmpfs,
        CapAdd = CapAdd,
        WorkingDirectory = Blank(WorkingDirectory),
        // 0 is the parameter's unset value; anything else (even a negative number) is the CLI's to judge.
        Timeout = TimeoutSeconds != 0 ? TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        Memory = Blank(Memory),
        PidsLimit = PidsLimit != 0 ? PidsLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        Network = Blank(Network),
        JsonStatus = jsonStatus,
    };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
