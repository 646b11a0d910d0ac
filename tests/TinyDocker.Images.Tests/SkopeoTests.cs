using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>
/// Images written by a third-party tool, not by these tests: skopeo copies an image from the
/// loopback registry into an OCI layout (gzip or zstd layers), an oci-archive and a
/// docker-archive, and each one is imported and run.
/// </summary>
public sealed class SkopeoTests : IClassFixture<LoopbackRegistry>, IDisposable
{
    public const string Binary = "/usr/bin/skopeo";

    private readonly LoopbackRegistry _registry;
    private readonly ImageTestBed _bed = new();

    public SkopeoTests(LoopbackRegistry registry) => _registry = registry;

    [RootTheory]
    [InlineData("oci")]
    [InlineData("oci-zstd")]
    [InlineData("oci-archive")]
    [InlineData("docker-archive")]
    public void An_image_skopeo_wrote_imports_and_runs(string format)
    {
        var image = new OciImageWriter([
            new TestLayer(new LayerBuilder().Busybox().Tar(), "gzip"),
            new TestLayer(new LayerBuilder().File("hello.txt", "hello via skopeo").Tar(), "gzip"),
        ]);
        _registry.Push("team/skopeo", "1.0", image);
        string source = $"docker://{_registry.Host}/team/skopeo:1.0";
        (string destination, string path) = format switch
        {
            "oci" or "oci-zstd" => ($"oci:{_bed.ScratchPath("layout")}:1.0", _bed.ScratchPath("layout")),
            "oci-archive" => ($"oci-archive:{_bed.ScratchPath("image.tar")}:1.0", _bed.ScratchPath("image.tar")),
            _ => ($"docker-archive:{_bed.ScratchPath("image.tar")}:team/skopeo:1.0", _bed.ScratchPath("image.tar")),
        };
        string[] extra = format == "oci-zstd" ? ["--dest-compress", "--dest-compress-format", "zstd"] : [];
        Skopeo(["--insecure-policy", "copy", "--src-tls-verify=false", .. extra, source, destination]);

        if (format == "oci-zstd")
        {
            // skopeo really recompressed: the manifest it wrote names zstd layers.
            Assert.Contains(Directory.GetFiles(Path.Combine(path, "blobs/sha256")).Where(f => new FileInfo(f).Length < 65536),
                f => File.ReadAllText(f).Contains("tar+zstd", StringComparison.Ordinal));
        }

        _bed.Ok("image", "import", path, "skopeo:1.0");
        var run = _bed.Ok("run", "--image", "skopeo:1.0", "c1", "cat", "/hello.txt");

        Assert.Equal("hello via skopeo", run.Stdout);
        Assert.Equal(2, _bed.LayerDirs().Count);
    }

    private static void Skopeo(string[] args)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: run scripts/install-deps.sh (package skopeo)");
        }
        var r = Shell.Run(Binary, args);
        Assert.True(r.ExitCode == 0, $"skopeo {string.Join(' ', args)}: {r}");
    }

    public void Dispose() => _bed.Dispose();
}
