namespace TinyDocker.Client;

/// <summary>Which step of a service's start failed.</summary>
internal enum ServiceStartStep
{
    /// <summary>`run -d`: bad input, a name or a port in use (125), a command that cannot run (126, 127).</summary>
    Run,

    /// <summary>`wait --for`: the service exited first (1) or was not ready in time (124).</summary>
    Ready,
}

/// <summary>
/// A service did not start or never became ready. The message is the CLI's one line; the exit
/// code is the verb's (125, 124, 1…); a service that exited first has its own code and the tail of
/// its log. Nothing of the service is left when this is thrown.
/// </summary>
internal sealed class ServiceStartException(string service, ServiceStartStep step, int exitCode, string reason, int? serviceExitCode, string logTail)
    : Exception($"service `{service}`: {reason}")
{
    public string Service { get; } = service;
    public ServiceStartStep Step { get; } = step;

    /// <summary>The exit code of the failed verb: `run -d`'s, or `wait`'s (1: exited first; 124: timeout).</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>The CLI's one line, without `tinydocker: `.</summary>
    public string Reason { get; } = reason;

    /// <summary>The service's own exit code when it exited before it was ready.</summary>
    public int? ServiceExitCode { get; } = serviceExitCode;

    /// <summary>The last lines of the service's log (stdout and stderr), as `wait` printed them.</summary>
    public string LogTail { get; } = logTail;

    public bool TimedOut => Step == ServiceStartStep.Ready && ExitCode == ExitCodes.TimedOut;

    public override string ToString() => LogTail.Length == 0 ? base.ToString() : $"{base.ToString()}{Environment.NewLine}log tail:{Environment.NewLine}{LogTail}";
}

/// <summary>A verb on a running service (port, commit, exec's start) failed: the CLI's one line and its exit code.</summary>
internal sealed class ServiceCommandException(string service, IReadOnlyList<string> verb, CliResult result)
    : Exception($"service `{service}`: `{string.Join(' ', verb)}` failed ({result.ExitCode}): {result.Reason}")
{
    public string Service { get; } = service;
    public int ExitCode { get; } = result.ExitCode;
    public string Reason { get; } = result.Reason;
}
