namespace TinyDocker.Build;

/// <summary>
/// Finds the tinydocker CLI: an explicit path wins; otherwise the one carried in the package
/// (tools/tinydocker/ beside the tasks/ folder this assembly was loaded from). A `.dll` runs
/// through the dotnet host that runs MSBuild, so no global tool install and no PATH are needed.
/// </summary>
internal static class ToolLocator
{
    public const string BundledDll = "dotnet-tinydocker.dll";

    /// <summary>The program to start and the arguments that go before the CLI's own.</summary>
    public sealed record Tool(string Executable, IReadOnlyList<string> Prefix, string Description);

    /// <summary>The bundled CLI, relative to this assembly (package: tasks/net10.0/ → tools/tinydocker/).</summary>
    public static string BundledPath()
    {
        string taskDir = Path.GetDirectoryName(typeof(ToolLocator).Assembly.Location) ?? AppContext.BaseDirectory;
        return Path.GetFullPath(Path.Combine(taskDir, "..", "..", "tools", "tinydocker", BundledDll));
    }

    /// <summary>The tool to run, or an error message naming where it was looked for.</summary>
    public static (Tool? Tool, string? Problem) Find(string? explicitPath, string baseDirectory)
    {
        string path = explicitPath is { Length: > 0 } ? Path.GetFullPath(explicitPath, baseDirectory) : BundledPath();
        if (!File.Exists(path))
        {
            return (null, explicitPath is { Length: > 0 }
                ? $"TinyDockerPath `{path}` does not exist"
                : $"the tinydocker tool carried in the package is missing (`{path}`); set TinyDockerPath to a dotnet-tinydocker binary or dll");
        }
        if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            string host = DotnetHost();
            return (new Tool(host, [path], $"{host} {path}"), null);
        }
        return (new Tool(path, [], path), null);
    }

    /// <summary>The dotnet host running this build: DOTNET_HOST_PATH (set by the SDK for tasks), else this process if it is dotnet.</summary>
    public static string DotnetHost()
    {
        if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }
        if (System.Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return "dotnet";
    }
}
