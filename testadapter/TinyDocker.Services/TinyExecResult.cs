namespace TinyDocker.Services;

/// <summary>What a command run in a container by <see cref="TinyContainer.ExecAsync"/> did.</summary>
public sealed record TinyExecResult(int ExitCode, string Stdout, string Stderr);

/// <summary>A container's log: its stdout and its stderr, each as written.</summary>
public sealed record TinyContainerLogs(string Stdout, string Stderr);
