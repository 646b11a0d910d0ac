using TinyDocker.Testing;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>
/// The adapter packed into a temp local feed (`dotnet pack`), and a copy of samples/testadapter in
/// a temp directory whose nuget.config points at that feed, restored into a temp NUGET_PACKAGES (so
/// a cached package of the same version is never used) and built. Made once per test class, on
/// first use (so tests skipped for want of root cost nothing); everything removed after.
/// </summary>
public class PackedSample : IDisposable
{
    private readonly Lazy<string> _built;
    private readonly string _sample;

    public PackedSample()
        : this(Repository.Sample)
    {
    }

    protected PackedSample(string sample)
    {
        _sample = sample;
        Root = Path.Combine(Path.GetTempPath(), $"tinydocker-adapter-{Guid.NewGuid():N}");
        _built = new Lazy<string>(Build);
    }

    /// <summary>The temp directory holding the feed, the package cache and the sample.</summary>
    public string Root { get; }

    /// <summary>The local feed with the packed adapter: one per test run, shared by the fixtures (a pack compiles the NativeAOT CLI).</summary>
    public string Feed => PackedFeed.Value;

    private static readonly Lazy<string> PackedFeed = new(Pack);

    /// <summary>The feed the sample restores from: the adapter's, unless a sample needs more packages.</summary>
    protected virtual string SampleFeed => Feed;

    public string Dir => Path.Combine(Root, "sample");

    /// <summary>Runs containers and `prune` with its own state root.</summary>
    public TinyTool Tool { get; } = new();

    /// <summary>Packs and builds on the first call; returns the sample's directory.</summary>
    public string EnsureBuilt() => _built.Value;

    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
        ["TINYDOCKER_ROOT"] = Tool.StateRoot,
    };

    private string Build()
    {
        Directory.CreateDirectory(Root);
        CopyTree(_sample, Dir);
        string config = Path.Combine(Dir, "nuget.config");
        File.WriteAllText(config, File.ReadAllText(config).Replace("../../artifacts/packages", SampleFeed, StringComparison.Ordinal));

        var build = Dotnet.Run(Dir, Environment, "build", "-nologo");
        Assert.True(build.ExitCode == 0, $"dotnet build of the sample failed:\n{build}");
        return Dir;
    }

    private static string Pack()
    {
        string feed = Path.Combine(Path.GetTempPath(), $"tinydocker-adapter-feed-{Guid.NewGuid():N}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(feed, recursive: true);
        // Packed from the build the tests were built with (--no-build, so no restore): a restore here
        // into a package folder of the feed's would leave the repository's obj/ naming that folder,
        // deleted at exit, and a later `pack --no-build` of the tree (TinyDocker.Build.Tests) would
        // then import none of the packages' build files (no Nerdbank.GitVersioning: version 1.0.0).
        var pack = Dotnet.Run(Repository.Root, new Dictionary<string, string?>(), Dotnet.PackTimeout,
            "pack", Repository.AdapterProject, "-c", Repository.Configuration, "--no-build", "-o", feed, "-nologo");
        Assert.True(pack.ExitCode == 0, $"dotnet pack failed:\n{pack}");
        // Versioned by Nerdbank.GitVersioning from version.json ("0.1-alpha" makes 0.1.<height>-alpha...).
        string package = Path.GetFileName(Assert.Single(Directory.GetFiles(feed, "TinyDocker.TestAdapter.*.nupkg")));
        string baseVersion = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "version.json"))).RootElement.GetProperty("version").GetString()!.Split('-')[0];
        Assert.StartsWith($"TinyDocker.TestAdapter.{baseVersion}.", package);
        return feed;
    }

    internal static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(from, dir);
            if (rel.Split('/')[0] is not ("bin" or "obj" or "TestResults"))
            {
                Directory.CreateDirectory(Path.Combine(to, rel));
            }
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(from, file);
            if (rel.Split('/')[0] is not ("bin" or "obj" or "TestResults"))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, rel))!);
                File.Copy(file, Path.Combine(to, rel));
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(Path.Combine(to, rel), File.GetUnixFileMode(file));
                }
            }
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        Tool.Dispose();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

/// <summary>samples/mtp (container cases as MSTest tests under Microsoft.Testing.Platform), packed and built the same way.</summary>
public sealed class PackedMtpSample() : PackedSample(Repository.MtpSample);

/// <summary>samples/services (container cases beside run-scoped and case-scoped services), packed and built the same way.</summary>
public sealed class PackedServicesSample() : PackedSample(Repository.ServicesSample);
