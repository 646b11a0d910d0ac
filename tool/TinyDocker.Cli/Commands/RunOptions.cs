using McMaster.Extensions.CommandLineUtils;

namespace TinyDocker.Cli.Commands;

/// <summary>The options of `run`, as parsed; <see cref="RunSpecBuilder"/> turns them into a spec.</summary>
internal sealed class RunOptions
{
    public required CommandOption Image { get; init; }
    public required CommandOption Hostname { get; init; }
    public required CommandOption Env { get; init; }
    public required CommandOption EnvFile { get; init; }
    public required CommandOption Workdir { get; init; }
    public required CommandOption User { get; init; }
    public required CommandOption Volume { get; init; }
    public required CommandOption Tmpfs { get; init; }
    public required CommandOption ReadOnly { get; init; }
    public required CommandOption CopyOut { get; init; }
    public required CommandOption Network { get; init; }
    public required CommandOption Memory { get; init; }
    public required CommandOption MemorySwap { get; init; }
    public required CommandOption PidsLimit { get; init; }
    public required CommandOption Cpus { get; init; }
    public required CommandOption Timeout { get; init; }
    public required CommandOption StopTimeout { get; init; }
    public required CommandOption KeepUpper { get; init; }
    public required CommandOption DieWithParent { get; init; }
    public required CommandOption Debug { get; init; }
    public required CommandOption JsonStatus { get; init; }
    public required CommandOption CapAdd { get; init; }
    public required CommandOption CapDrop { get; init; }
    public required CommandOption Privileged { get; init; }
    public required CommandOption SecurityOpt { get; init; }
    public required CommandOption Interactive { get; init; }
    public required CommandOption Tty { get; init; }
}
