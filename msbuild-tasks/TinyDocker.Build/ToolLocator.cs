using TinyDocker.Client;

namespace TinyDocker.Build;

/// <summary>
/// Finds the tinydocker CLI: an explicit path wins; otherwise the one carried in the package
/// (tools/tinydocker/ beside the tasks/ folder this assembly was loaded from), its NativeAOT build
/// for this machine when the package has one, else its dll through the dotnet that runs MSBuild.
/// </summary>
internal static class ToolLocator
{
    /// <summary>The bundled CLI's dll, relative to this assembly (package: tasks/net10.0/ → tools/tinydocker/).</summary>
    public static string BundledPath()
    {
        string taskDir = Path.GetDirectoryName(typeof(ToolLocator).Assembly.Location) ?? AppContext.BaseDirectory;
        return Path.GetFullPath(Path.Combine(taskDir, "..", "..", "tools", "tinydocker", CliTool.BundledDll));
    }

    /// <summary>The tool to run, or an error message naming where it was looked for.</summary>
    public static (CliTool? Tool, string? Problem) Find(string? explicitPath, string baseDirectory)
    {
        bool isExplicit = explicitPath is { Length: > 0 };
        string path = isExplicit ? Path.GetFullPath(explicitPath!, baseDirectory) : BundledPath();
        if (!File.Exists(path))
        {
            return (null, isExplicit
                ? $"TinyDockerPath `{path}` does not exist"
                : $"the tinydocker tool carried in the package is missing (`{path}`); set TinyDockerPath to a dotnet-tinydocker binary or dll");
        }
        return (CliTool.For(path, preferNative: !isExplicit), null);
    }
}
