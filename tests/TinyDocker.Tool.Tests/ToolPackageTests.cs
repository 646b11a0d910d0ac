using TinyDocker.Testing;

namespace TinyDocker.Tool.Tests;

/// <summary>
/// Packs the tool as it ships (pointer, NativeAOT linux package, framework-dependent fallback),
/// installs it from a local feed the two ways users do, and runs a container with it.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinydocker-toolpkg-").FullName;
    private readonly Dictionary<string, string> _env;

    public ToolPackageTests()
    {
        // A private package cache and dotnet home: neither a stale tinydocker of the same version nor
        // the local-tool resolver cache of an earlier run (which points into its deleted cache) is used.
        _env = new()
        {
            ["NUGET_PACKAGES"] = Path.Combine(_dir, "packages"),
            ["DOTNET_CLI_HOME"] = Path.Combine(_dir, "home"),
            ["TINYDOCKER_ROOT"] = Path.Combine(_dir, "state"),
        };
    }

    [RootFact]
    public void The_tool_installs_as_a_global_and_a_local_tool_and_runs_containers()
    {
        string feed = Path.Combine(_dir, "feed");
        var pack = Shell.Run("bash", [Path.Combine(Shell.RepositoryRoot, "scripts/pack-tool.sh"), feed], timeout: TimeSpan.FromMinutes(15));
        Assert.True(pack.ExitCode == 0, pack.ToString());
        string version = Directory.GetFiles(feed, "tinydocker.linux-*.nupkg").Select(Path.GetFileNameWithoutExtension).Single()!
            .Split('.', 3)[2];

        // Global tool (in a tool path): the RID-specific NativeAOT package is the one installed.
        string toolPath = Path.Combine(_dir, "tools");
        var install = Shell.Run("dotnet", ["tool", "install", "tinydocker", "--tool-path", toolPath, "--add-source", feed, "--version", version], environment: _env);
        Assert.True(install.ExitCode == 0, install.ToString());
        string exe = Path.Combine(toolPath, "dotnet-tinydocker");
        Assert.Contains("linux-x64", new FileInfo(exe).LinkTarget ?? exe, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(toolPath, "*.dll", SearchOption.AllDirectories), f => f.EndsWith("dotnet-tinydocker.dll", StringComparison.Ordinal));
        var run = Shell.Run(exe, ["run", "aot-tool", "sh", "-c", "hostname; tr '\\0' ' ' < /proc/1/cmdline"], environment: _env);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("aot-tool\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("__init", run.Stdout, StringComparison.Ordinal);
        // The package's version begins with the tool's own (without a git history it has a suffix).
        Assert.StartsWith(Shell.Run(exe, ["--version"]).Stdout.Trim().Split('+')[0], version, StringComparison.Ordinal);

        // Local tool: a manifest, a restore, and `dotnet tinydocker`.
        string project = Directory.CreateDirectory(Path.Combine(_dir, "project")).FullName;
        Assert.Equal(0, Shell.Run("dotnet", ["new", "tool-manifest"], project, _env).ExitCode);
        var local = Shell.Run("dotnet", ["tool", "install", "tinydocker", "--add-source", feed, "--version", version], project, _env);
        Assert.True(local.ExitCode == 0, local.ToString());
        var viaDotnet = Shell.Run("dotnet", ["tinydocker", "run", "local-tool", "sh", "-c", "echo $HOSTNAME"], project, _env);
        Assert.True(viaDotnet.ExitCode == 0, viaDotnet.ToString());
        Assert.Equal("local-tool\n", viaDotnet.Stdout);

        // The framework-dependent fallback is there for other platforms.
        Assert.Single(Directory.GetFiles(feed, "tinydocker.any.*.nupkg"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
