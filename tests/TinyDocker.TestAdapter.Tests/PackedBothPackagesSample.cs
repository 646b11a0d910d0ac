namespace TinyDocker.TestAdapter.Tests;

/// <summary>
/// samples/both-packages: the adapter and TinyDocker.Build in one project. Its feed holds the
/// adapter's package and TinyDocker.Build packed beside it (the second pack finds the NativeAOT CLI
/// the first one compiled up to date), in a feed of its own: the adapter's feed keeps one package.
/// </summary>
public sealed class PackedBothPackagesSample() : PackedSample(Repository.BothPackagesSample)
{
    private string? _feed;

    protected override string SampleFeed => _feed ??= PackBoth();

    private string PackBoth()
    {
        string feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(feed);
        foreach (var package in Directory.GetFiles(Feed, "*.nupkg"))
        {
            File.Copy(package, Path.Combine(feed, Path.GetFileName(package)));
        }
        // --no-build, as the adapter's pack (PackedSample.Pack says why); this project references
        // TinyDocker.Build so that it is built.
        var pack = Dotnet.Run(Repository.Root, new Dictionary<string, string?>(), Dotnet.PackTimeout,
            "pack", Repository.BuildPackageProject, "-c", Repository.Configuration, "--no-build", "-o", feed, "-nologo");
        Assert.True(pack.ExitCode == 0, $"dotnet pack of TinyDocker.Build failed:\n{pack}");
        Assert.Single(Directory.GetFiles(feed, "TinyDocker.Build.*.nupkg"));
        return feed;
    }
}
