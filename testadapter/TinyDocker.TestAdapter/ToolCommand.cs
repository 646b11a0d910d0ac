namespace TinyDocker.TestAdapter;

/// <summary>
/// How to start the tinydocker CLI: an executable (an apphost or a NativeAOT build) directly, or a
/// framework-dependent <c>dotnet-tinydocker.dll</c> (the one in the package) through the dotnet host.
/// </summary>
internal sealed record ToolCommand(string FileName, IReadOnlyList<string> PrefixArguments, string Path)
{
    /// <summary>The override (run settings, then TINYDOCKER_PATH) if any, else the package's CLI named in the cases file.</summary>
    public static ToolCommand Resolve(string? overridePath, string? packagedPath)
    {
        string path = overridePath ?? packagedPath
            ?? throw new AdapterSettingsException($"no tinydocker CLI: the cases file names none; set {AdapterSettings.ToolPathVariable} or the run setting {AdapterSettings.SectionName}.ToolPath");
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            string from = overridePath is null ? "the TinyDocker.TestAdapter package" : $"{AdapterSettings.ToolPathVariable} / {AdapterSettings.SectionName}.ToolPath";
            throw new AdapterSettingsException($"the tinydocker CLI `{path}` (from {from}) does not exist");
        }
        return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ToolCommand(DotnetHost(), [path], path)
            : new ToolCommand(path, [], path);
    }

    /// <summary>The dotnet host running this test host (the SDK sets DOTNET_HOST_PATH for its children), else `dotnet` on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        return Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
