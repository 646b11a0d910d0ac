namespace TinyDocker.Build;

/// <summary>The codes of the errors the package logs; docs/msbuild.md lists them for users.</summary>
internal static class ErrorCodes
{
    /// <summary>The container's command exited with a non-zero code (or tinydocker failed: 125).</summary>
    public const string Failed = "TD001";

    /// <summary>The container ran past its Timeout and was stopped (exit 124).</summary>
    public const string TimedOut = "TD002";

    /// <summary>The container was killed for running out of memory (exit 137).</summary>
    public const string OutOfMemory = "TD003";

    /// <summary>A bad parameter, a missing image or a missing tool: nothing was run.</summary>
    public const string BadInput = "TD004";

    /// <summary>The run was cancelled (Ctrl-C, build cancelled); the container was stopped.</summary>
    public const string Cancelled = "TD005";

    /// <summary>
    /// A warning, logged by the targets (build/TinyDocker.Build.targets): an option of `dotnet test`
    /// that cannot be honoured inside the container, named in the message.
    /// </summary>
    public const string OptionNotHonoured = "TD006";

    /// <summary>A TinyContainerService item the package cannot use (unknown metadata, an unknown or twice-declared service, a bad Timeout or Ports): nothing was started.</summary>
    public const string BadService = "TD007";

    /// <summary>A service did not start, exited, or was not ready in time; the message has its readiness check and its log's last lines.</summary>
    public const string ServiceFailed = "TD008";

    /// <summary>
    /// Logged by the targets: TinyContainer=true in a project with TinyDocker.TestAdapter's container
    /// cases, which cannot start containers from inside one. Nothing was run.
    /// </summary>
    public const string ContainerCasesInContainer = "TD009";
}
