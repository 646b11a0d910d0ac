// Runs in: the host tool: finds the first step built beside it, before a rootless container starts.
using TinyDocker.Runtime.Host;

namespace TinyDocker.Runtime.Rootless;

/// <summary>
/// `tinydocker-firststep`, the tool's own first step (tool/TinyDocker.FirstStep), beside the tool
/// (trusted as <see cref="BesideTool"/> says). It does what util-linux `unshare --user --keep-caps
/// ... --fork --kill-child` does for a rootless run, in a static executable that starts sooner
/// (docs/rootless.md, "Speed"). Without a trusted one, or with TINYDOCKER_FIRST_STEP=util-linux,
/// the first step is util-linux unshare; `run --debug` says which and why.
/// </summary>
internal static class OwnFirstStep
{
    public const string FileName = "tinydocker-firststep", ChooseVariable = "TINYDOCKER_FIRST_STEP", UtilLinux = "util-linux";

    private static readonly Lazy<(string? Path, string Why)> Found = new(Find);

    /// <summary>The path to run, or null for util-linux unshare.</summary>
    public static string? Path => Found.Value.Path;

    /// <summary>Which first step a rootless run takes, and why not the own one (`run --debug`, error messages).</summary>
    public static string Description => Found.Value.Path is { } path ? path : $"util-linux unshare: {Found.Value.Why}";

    private static (string? Path, string Why) Find()
        => Environment.GetEnvironmentVariable(ChooseVariable) is UtilLinux
            ? (null, $"{ChooseVariable}={UtilLinux}")
            : BesideTool.Find(FileName);
}
