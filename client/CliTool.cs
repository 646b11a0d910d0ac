using System.Runtime.InteropServices;

namespace TinyDocker.Client;

/// <summary>
/// How to start the tinydocker CLI: an executable (a NativeAOT build or an apphost) directly, or a
/// framework-dependent `dotnet-tinydocker.dll` through the dotnet host. The packages carry both under
/// tools/tinydocker/: the dll, and `&lt;rid&gt;/dotnet-tinydocker` NativeAOT builds beside it, chosen
/// at run time for this machine (no JIT start-up), the dll being the fallback.
/// </summary>
internal sealed record CliTool(string FileName, IReadOnlyList<string> PrefixArguments, string Path)
{
    public const string BundledDll = "dotnet-tinydocker.dll";
    public const string NativeName = "dotnet-tinydocker";

    /// <summary>`dotnet path/dotnet-tinydocker.dll` or `path/linux-x64/dotnet-tinydocker`.</summary>
    public string Description => PrefixArguments.Count == 0 ? FileName : $"{FileName} {string.Join(' ', PrefixArguments)}";

    /// <summary>The CLI at <paramref name="path"/>: a `.dll` through dotnet; for the package's dll, its native sibling for this machine when there is one.</summary>
    public static CliTool For(string path, bool preferNative)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return new CliTool(path, [], path);
        }
        if (preferNative && NativeSibling(path) is { } native)
        {
            return new CliTool(native, [], native);
        }
        return new CliTool(DotnetHost(), [path], path);
    }

    /// <summary>`&lt;dir&gt;/linux-x64/dotnet-tinydocker` beside the dll, if it exists and is executable; TINYDOCKER_NO_NATIVE=1 turns it off.</summary>
    internal static string? NativeSibling(string dll)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("TINYDOCKER_NO_NATIVE") == "1")
        {
            return null;
        }
        string? rid = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "linux-x64",
            Architecture.Arm64 => "linux-arm64",
            _ => null,
        };
        if (rid is null || System.IO.Path.GetDirectoryName(dll) is not { } dir)
        {
            return null;
        }
        string native = System.IO.Path.Combine(dir, rid, NativeName);
        return File.Exists(native) && MakeExecutable(native) ? native : null;
    }

    /// <summary>NuGet extracts a package's files without their execute bits: restore them (once), or fall back to the dll.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static bool MakeExecutable(string path)
    {
        const UnixFileMode exec = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) != 0)
        {
            return true;
        }
        try
        {
            File.SetUnixFileMode(path, mode | exec);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    /// <summary>The dotnet host running this process (the SDK sets DOTNET_HOST_PATH for tasks and test hosts), else `dotnet` on PATH.</summary>
    public static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        return Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
