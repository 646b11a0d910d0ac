using System.Diagnostics;
using System.IO.Compression;
using TinyDocker.Testing;

namespace TinyDocker.Tool.Tests;

/// <summary>
/// Packs the tool as it ships (pointer, NativeAOT linux package, framework-dependent fallback),
/// installs it from a local feed with the README's own lines, and runs a container with it; checks
/// that the packages, the assembly and --version carry one version, in a shallow clone too.
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
    public void The_tool_installs_with_the_readmes_lines_runs_containers_and_says_its_packages_version()
    {
        string feed = Path.Combine(_dir, "feed");
        var pack = Shell.Run("bash", [Path.Combine(Shell.RepositoryRoot, "scripts/pack-tool.sh"), feed], timeout: TimeSpan.FromMinutes(15));
        Assert.True(pack.ExitCode == 0, pack.ToString());
        string version = PackageVersion(feed, "tinydocker.any.");
        Assert.Single(Directory.GetFiles(feed, $"tinydocker.linux-*.{version}.nupkg")); // the NativeAOT package, the same version

        // Global tool, exactly as the README says (no --version: --prerelease finds the alpha).
        var install = Shell.Run("dotnet", ["tool", "install", "-g", "tinydocker", "--prerelease", "--add-source", feed], environment: _env);
        Assert.True(install.ExitCode == 0, install.ToString());
        string exe = Path.Combine(_env["DOTNET_CLI_HOME"], ".dotnet/tools/dotnet-tinydocker");
        Assert.Contains("linux-x64", new FileInfo(exe).LinkTarget ?? exe, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(Path.GetDirectoryName(exe)!, "*.dll", SearchOption.AllDirectories), f => f.EndsWith("dotnet-tinydocker.dll", StringComparison.Ordinal));
        var run = Shell.Run(exe, ["run", "aot-tool", "sh", "-c", "hostname; tr '\\0' ' ' < /proc/1/cmdline"], environment: _env);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("aot-tool\n", run.Stdout, StringComparison.Ordinal);
        // The package's own init beside the binary, the one with no runtime (NuGet's dropped execute bits given back).
        Assert.Contains("/tinydocker-init __init ", run.Stdout, StringComparison.Ordinal);
        // Rootless, the package's own first step beside the binary (NuGet dropped its execute bits for others; the owner's run restores them).
        string firstStep = Path.Combine(Path.GetDirectoryName(new FileInfo(exe).ResolveLinkTarget(returnFinalTarget: true)!.FullName)!, "tinydocker-firststep");
        var rootless = Shell.Run(exe, ["run", "--debug", "aot-rootless", "true"], environment: new Dictionary<string, string>(_env) { ["TINYDOCKER_ROOTLESS"] = "1" });
        Assert.True(rootless.ExitCode == 0, rootless.ToString());
        Assert.Contains($"first step: {firstStep}\n", rootless.Stderr, StringComparison.Ordinal);
        // One version: the package's is what --version says, and what the assembly says.
        Assert.Equal(version + "\n", Shell.Run(exe, ["--version"]).Stdout);
        Assert.Equal(version, InformationalVersion(feed, "tinydocker.any."));
        Assert.Single(Directory.GetFiles(feed, $"tinydocker.{version}.nupkg")); // the pointer package

        // Local tool: the README's line, then `dotnet tinydocker`.
        string project = Directory.CreateDirectory(Path.Combine(_dir, "project")).FullName;
        Assert.Equal(0, Shell.Run("dotnet", ["new", "tool-manifest"], project, _env).ExitCode);
        var local = Shell.Run("dotnet", ["tool", "install", "tinydocker", "--prerelease", "--add-source", feed], project, _env);
        Assert.True(local.ExitCode == 0, local.ToString());
        var viaDotnet = Shell.Run("dotnet", ["tinydocker", "run", "local-tool", "sh", "-c", "echo $HOSTNAME"], project, _env);
        Assert.True(viaDotnet.ExitCode == 0, viaDotnet.ToString());
        Assert.Equal("local-tool\n", viaDotnet.Stdout);

        // For every user: scripts/install-tool.sh leaves a binary mode 0755 that another user can run.
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
        string shared = Path.Combine(_dir, "shared");
        var forAll = Shell.Run("bash", [Path.Combine(Shell.RepositoryRoot, "scripts/install-tool.sh"), shared],
            environment: new Dictionary<string, string>(_env) { ["FEED"] = feed, ["BIN"] = "" });
        Assert.True(forAll.ExitCode == 0, forAll.ToString());
        string installed = new FileInfo(Path.Combine(shared, "dotnet-tinydocker")).ResolveLinkTarget(returnFinalTarget: true)!.FullName;
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(installed));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(Path.GetDirectoryName(installed)!, "tinydocker-firststep")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(Path.GetDirectoryName(installed)!, "tinydocker-init")));
        var nobody = Shell.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Path.Combine(shared, "dotnet-tinydocker"), "--version"]);
        Assert.True(nobody.ExitCode == 0, nobody.ToString());
        Assert.Equal(version + "\n", nobody.Stdout);
        // The counter-proof: what `dotnet tool install` alone leaves (NuGet's 0766 less the umask) is not 0755.
        string globalTarget = new FileInfo(exe).ResolveLinkTarget(returnFinalTarget: true)!.FullName;
        Assert.NotEqual((UnixFileMode)0b111_101_101, File.GetUnixFileMode(globalTarget));
    }

    [Fact]
    public void A_shallow_clone_packs_the_version_that_its_version_option_and_assembly_say()
    {
        string clone = Path.Combine(_dir, "shallow");
        var git = Shell.Run("git", ["clone", "-q", "--depth", "1", "file://" + Shell.RepositoryRoot, clone]);
        Assert.True(git.ExitCode == 0, git.ToString());
        Assert.True(File.Exists(Path.Combine(clone, ".git/shallow")));
        string feed = Path.Combine(_dir, "shallow-feed");

        var pack = Shell.Run("dotnet", ["pack", "tool/TinyDocker.Cli", "-c", "Release", "-o", feed, "-nologo", "-clp:ErrorsOnly", "-r", "any", "-p:PublishAot=false"],
            clone, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget/packages") },
            TimeSpan.FromMinutes(15));
        Assert.True(pack.ExitCode == 0, pack.ToString());
        string version = PackageVersion(feed, "tinydocker.any.");
        string dll = Extract(feed, "tinydocker.any.", "tools/net10.0/any/dotnet-tinydocker.dll");

        Assert.DoesNotContain("-g", version, StringComparison.Ordinal); // a bare -g had no commit after it
        Assert.Matches(@"^\d+\.\d+\.\d+-[a-z]+$", version);
        Assert.Equal(version + "\n", Shell.Run("dotnet", [dll, "--version"]).Stdout);
        Assert.Equal(version, FileVersionInfo.GetVersionInfo(dll).ProductVersion);
    }

    private static string PackageVersion(string feed, string prefix)
        => Path.GetFileNameWithoutExtension(Directory.GetFiles(feed, prefix + "*.nupkg").Single())[prefix.Length..];

    private string InformationalVersion(string feed, string prefix)
        => FileVersionInfo.GetVersionInfo(Extract(feed, prefix, "tools/net10.0/any/dotnet-tinydocker.dll")).ProductVersion!;

    private string Extract(string feed, string prefix, string entry)
    {
        string target = Path.Combine(_dir, "extracted", prefix, Path.GetFileName(entry));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var zip = ZipFile.OpenRead(Directory.GetFiles(feed, prefix + "*.nupkg").Single());
        foreach (var e in zip.Entries.Where(e => e.FullName.StartsWith(Path.GetDirectoryName(entry)! + "/", StringComparison.Ordinal)))
        {
            e.ExtractToFile(Path.Combine(Path.GetDirectoryName(target)!, e.Name), overwrite: true);
        }
        return target;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
