using TinyDocker.Client;

namespace TinyDocker.Services;

/// <summary>Which tinydocker CLI the library starts.</summary>
internal static class ToolPath
{
    public const string Variable = "TINYDOCKER_PATH";

    /// <summary>The runtimeconfig option build/TinyDocker.Services.props writes: the package's CLI.</summary>
    public const string RuntimeOption = "TinyDocker.Services.ToolPath";

    /// <summary>An explicit path, then TINYDOCKER_PATH, then the package's CLI (its NativeAOT build when it has one for this machine).</summary>
    public static CliTool Resolve(string? explicitPath)
    {
        string? chosen = explicitPath is { Length: > 0 } ? explicitPath
            : Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } fromEnv ? fromEnv
            : null;
        string path = chosen ?? AppContext.GetData(RuntimeOption) as string
            ?? throw new InvalidOperationException($"no tinydocker CLI: set {Variable}, call WithTool, or reference the TinyDocker.Services package");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"the tinydocker CLI `{path}` does not exist");
        }
        return CliTool.For(path, preferNative: chosen is null);
    }
}
