using TinyDocker.Runtime.Images;
using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>Pulls from a real registry on 127.0.0.1 (by tag, by digest), and from a test double that lies about a digest.</summary>
public sealed class RegistryTests : IClassFixture<LoopbackRegistry>, IDisposable
{
    private readonly LoopbackRegistry _registry;
    private readonly ImageTestBed _bed = new();

    public RegistryTests(LoopbackRegistry registry) => _registry = registry;

    internal static OciImageWriter TwoLayers(string greeting)
        => new([
            new TestLayer(new LayerBuilder().Busybox().Tar(), "gzip"),
            new TestLayer(new LayerBuilder().File("hello.txt", greeting).Tar(), "zstd"),
        ]);

    [RootFact]
    public void An_image_pulled_by_tag_runs()
    {
        _registry.Push("team/busybox", "1.36", TwoLayers("hello by tag"));
        string reference = $"{_registry.Host}/team/busybox:1.36";

        _bed.Ok("image", "pull", reference);
        var run = _bed.Ok("run", "--image", reference, "c1", "cat", "/hello.txt");

        Assert.Equal("hello by tag", run.Stdout);
        Assert.Equal(2, _bed.LayerDirs().Count);
        Assert.Contains(reference, _bed.Ok("image", "ls").Stdout);
    }

    [RootFact]
    public void A_multi_architecture_tag_pulls_this_machines_image_and_platform_chooses_another()
    {
        _registry.Push("team/multiarch", "1", TwoLayers("hello multiarch"));
        string reference = $"{_registry.Host}/team/multiarch:1";
        string other = HostPlatform.Architecture == "s390x" ? "ppc64le" : "s390x"; // the other manifest OciImageWriter writes

        var missing = _bed.Run("pull", "--platform", "linux/mips64le", reference);
        _bed.Ok("pull", "--platform", $"linux/{other}", reference);
        _bed.Ok("pull", reference);

        Assert.Equal(125, missing.ExitCode);
        Assert.Equal($"tinydocker: `{reference}`: no image for linux/mips64le in the index (it has: linux/{other}, linux/{HostPlatform.Architecture}): "
                     + "choose one with --platform\n", missing.Stderr);
        Assert.Equal("hello multiarch", _bed.Ok("run", "--image", reference, "c1", "cat", "/hello.txt").Stdout);
    }

    [RootFact]
    public void An_image_pulled_by_digest_runs_and_a_wrong_digest_is_not_found()
    {
        var image = TwoLayers("hello by digest");
        _registry.Push("team/pinned", "v1", image);
        string reference = $"{_registry.Host}/team/pinned@{image.ManifestDigest}";
        string wrong = $"{_registry.Host}/team/pinned@sha256:{new string('0', 64)}";

        _bed.Ok("image", "pull", reference);
        var run = _bed.Ok("run", "--image", reference, "c1", "cat", "/hello.txt");
        var missing = _bed.Run("image", "pull", wrong);

        Assert.Equal("hello by digest", run.Stdout);
        Assert.Equal(125, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr);
    }

    [RootFact]
    public void A_registry_asking_for_a_bearer_token_gets_one_and_the_pull_succeeds()
    {
        using var fake = new FakeRegistry("team/img", "1.0", TwoLayers("hello with a token"));

        _bed.Ok("image", "pull", $"{fake.Host}/team/img:1.0");

        Assert.True(fake.TokensIssued >= 1);
        Assert.Equal("hello with a token", _bed.Ok("run", "--image", $"{fake.Host}/team/img:1.0", "c1", "cat", "/hello.txt").Stdout);
    }

    [RootFact]
    public void A_blob_that_does_not_match_its_digest_is_refused_and_nothing_is_stored()
    {
        var image = TwoLayers("genuine");
        string target = OciImageWriter.Sha(image.LayerBlobs[1]);
        using var fake = new FakeRegistry("team/img", "1.0", image,
            (digest, blob) => digest == target ? Compress.Zstd(new LayerBuilder().File("hello.txt", "forged").Tar()) : blob);

        var result = _bed.Run("image", "pull", $"{fake.Host}/team/img:1.0");

        Assert.True(result.ExitCode == 125, result.ToString());
        Assert.Contains("digest mismatch", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Empty(_bed.LayerDirs());
        Assert.Empty(_bed.TmpEntries());
        Assert.DoesNotContain("team/img", _bed.Ok("image", "ls").Stdout);
    }

    public void Dispose() => _bed.Dispose();
}
