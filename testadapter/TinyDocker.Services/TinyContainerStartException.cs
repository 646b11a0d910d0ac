namespace TinyDocker.Services;

/// <summary>
/// The container did not start or did not become ready. <see cref="Exception.Message"/> is the
/// CLI's one line; nothing of the container is left when this is thrown.
/// </summary>
public sealed class TinyContainerStartException : Exception
{
    /// <summary>A start failure without detail.</summary>
    public TinyContainerStartException()
    {
    }

    /// <summary>A start failure with its reason.</summary>
    public TinyContainerStartException(string message)
        : base(message)
    {
    }

    /// <summary>A start failure with its reason and cause.</summary>
    public TinyContainerStartException(string message, Exception inner)
        : base(message, inner)
    {
    }

    internal TinyContainerStartException(Client.ServiceStartException e)
        : base(e.Message, e)
    {
        Container = e.Service;
        ExitCode = e.ExitCode;
        ContainerExitCode = e.ServiceExitCode;
        LogTail = e.LogTail;
        NotReady = e.Step == Client.ServiceStartStep.Ready;
    }

    /// <summary>The container's name.</summary>
    public string Container { get; } = "";

    /// <summary>The CLI's exit code: 125 bad input or a port or name in use, 126/127 the command
    /// cannot run, 1 the container exited before it was ready, 124 not ready in time.</summary>
    public int ExitCode { get; }

    /// <summary>The container's own exit code, when it exited before it was ready.</summary>
    public int? ContainerExitCode { get; }

    /// <summary>The last lines of its log, when it started but did not become ready.</summary>
    public string LogTail { get; } = "";

    /// <summary>It started; the readiness checks failed (rather than the start itself).</summary>
    public bool NotReady { get; }

    /// <summary>It was not ready within the startup timeout (exit 124).</summary>
    public bool TimedOut => NotReady && ExitCode == Client.ExitCodes.TimedOut;

    /// <inheritdoc/>
    public override string ToString() => LogTail.Length == 0 ? base.ToString() : $"{base.ToString()}{Environment.NewLine}log tail:{Environment.NewLine}{LogTail}";
}
