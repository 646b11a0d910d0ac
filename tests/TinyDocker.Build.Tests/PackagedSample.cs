using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TinyDocker.Testing;

namespace TinyDocker.Build.Tests;

/// <summary>
/// The real package in a local feed, and a copy of samples/msbuild that takes it from there
/// through its own nuget.config. Packages go to a NUGET_PACKAGES folder of its own, so a
/// cached package of the same version from an earlier run is never used. Containers use a
/// state root of their own. Everything is removed on Dispose.
/// </summary>
public sealed class PackagedSample : IDisposable
{
    public PackagedSample()
    {
        Root = Path.Combine(Path.GetTempPath(), $"tinydocker-build-tests-{Guid.NewGuid():N}");
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
        // An ordinary user cannot write /run: rootless, the state root is a 0700 directory of its own
        // in the temporary directory, as TinyTool makes one (short: sockets live below it).
        StateRoot = $"{(Machine.IsRoot ? "/run" : Path.TrimEndingDirectorySeparator(Path.GetTempPath()))}/tinydocker-test-{Guid.NewGuid().ToString("N")[..19]}";
        if (!Machine.IsRoot)
        {
            Directory.CreateDirectory(StateRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Environment = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
            ["TINYDOCKER_ROOT"] = StateRoot,
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };

        // Packed from the build the tests were built with (the test project references it).
        TreeBeforePack = BuiltTree.Snapshot();
        var pack = DotnetRun.Run(Environment, RepoPaths.Root,
            ["pack", RepoPaths.TaskProject, "-c", RepoPaths.Configuration, "--no-build", "-o", Feed, "-nologo", "-nr:false"],
            TimeSpan.FromMinutes(15)); // the pack compiles the NativeAOT CLI the package carries
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed: {pack}");
        }
        TreeAfterPack = BuiltTree.Snapshot();
        Package = Directory.GetFiles(Feed, "TinyDocker.Build.*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(Package)["TinyDocker.Build.".Length..];

        Dir = Path.Combine(Root, "sample");
        CopyTree(RepoPaths.Sample, Dir);
        PointAtFeed(Path.Combine(Dir, "nuget.config"), Feed);
    }

    public string Root { get; }
    public string Feed { get; }
    public string Package { get; }
    public string Version { get; }

    /// <summary>The tree's build of the CLI before and after the pack (<see cref="BuiltTree"/>).</summary>
    public IReadOnlyList<string> TreeBeforePack { get; }
    public IReadOnlyList<string> TreeAfterPack { get; }

    /// <summary>
    /// The package's NativeAOT CLI copied to a path of this sample's own, for a test that names a
    /// tool explicitly: never a file of the tree, which another suite's build could replace.
    /// </summary>
    public string CopyOfPackagedCli()
    {
        string cli = Path.Combine(Root, "explicit-tool", "dotnet-tinydocker");
        if (!File.Exists(cli))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cli)!);
            using var zip = ZipFile.OpenRead(Package);
            zip.Entries.Single(e => Regex.IsMatch(e.FullName, "^tools/tinydocker/linux-[a-z0-9]+/dotnet-tinydocker$")).ExtractToFile(cli);
            File.SetUnixFileMode(cli, (UnixFileMode)0b111_101_101);
        }
        return cli;
    }

    /// <summary>The copy of samples/msbuild.</summary>
    public string Dir { get; }

    /// <summary>The TINYDOCKER_ROOT of every container the builds start.</summary>
    public string StateRoot { get; }

    public Dictionary<string, string?> Environment { get; }

    public string ChecksProject => Path.Combine(Dir, "Sample.Checks", "Sample.Checks.csproj");
    public string TestsProject => Path.Combine(Dir, "Sample.Tests", "Sample.Tests.csproj");

    /// <summary>`dotnet VERB ... -p:TinyDockerBuildVersion=THIS` in the sample, never reusing build nodes, classic console log.</summary>
    public DotnetResult Dotnet(params string[] args)
        => DotnetRun.Run(Environment, Dir, [.. args, $"-p:TinyDockerBuildVersion={Version}", "-nr:false", "-tl:off", "-nologo"]);

    /// <summary>Containers still registered in the state root (a run that ended cleanly leaves none).</summary>
    public IReadOnlyList<string> StateEntries()
        => Directory.Exists(StateRoot) ? Directory.GetFileSystemEntries(StateRoot).Select(Path.GetFileName).OfType<string>().ToList() : [];

    public void Dispose()
    {
        foreach (int pid in Machine.ProcessesWith(StateRoot))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }
        if (Directory.Exists(StateRoot))
        {
            Directory.Delete(StateRoot, recursive: true);
        }
        Directory.Delete(Root, recursive: true);
    }

    private static void PointAtFeed(string nugetConfig, string feed)
    {
        var doc = XDocument.Load(nugetConfig);
        doc.Descendants("add").Single(e => (string?)e.Attribute("key") == "local").SetAttributeValue("value", feed);
        doc.Save(nugetConfig);
    }

    internal static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(from, dir);
            if (rel.Split('/').Any(p => p is "bin" or "obj" or "TestResults"))
            {
                continue;
            }
            Directory.CreateDirectory(Path.Combine(to, rel));
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(from, file);
            if (rel.Split('/').Any(p => p is "bin" or "obj" or "TestResults"))
            {
                continue;
            }
            File.Copy(file, Path.Combine(to, rel));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackagedSampleCollection : ICollectionFixture<PackagedSample>
{
    public const string Name = "packaged sample";
}
