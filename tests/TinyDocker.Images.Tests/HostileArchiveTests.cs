using TinyDocker.Runtime.Images;
using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>
/// Each hostile or broken input is refused with one line and exit 125, and nothing changes: not
/// the store (listed with hashes before and after, partial layers included) and not a canary
/// directory the archive aims at.
/// </summary>
public sealed class HostileArchiveTests : IDisposable
{
    private const string Up = "../../../../../../../../../../../..";

    private ImageTestBed _bed = new();
    private string _canary = "";

    public HostileArchiveTests() => MakeCanary();

    private void MakeCanary()
    {
        _canary = _bed.ScratchPath("canary");
        Directory.CreateDirectory(_canary);
        File.WriteAllText(Path.Combine(_canary, "precious.txt"), "precious");
        // Rootless, the canary is the user's own: the layer helper, root of the user's namespace, could write it.
        _bed.Tool.RunAs?.Own(_canary);
    }

    public static TheoryData<string> Cases =>
    [
        "dotdot", "absolute", "symlink-absolute", "symlink-relative", "symlink-chain", "hardlink-absolute", "hardlink-dotdot",
        "truncated", "corrupt", "digest-mismatch", "diff-id-mismatch", "unknown-media-type", "missing-blob",
    ];

    /// <summary>Rootless with subordinate ids every layer goes through the helper in the user's namespace: the same attacks, and two only it meets.</summary>
    public static TheoryData<string> RootlessCases =>
    [
        "dotdot", "absolute", "symlink-absolute", "symlink-relative", "symlink-chain", "hardlink-absolute", "hardlink-dotdot",
        "truncated", "corrupt", "digest-mismatch", "diff-id-mismatch", "unmapped-owner", "device-node",
    ];

    [RootlessTheory]
    [MemberData(nameof(RootlessCases))]
    public void Rootless_a_hostile_or_broken_input_is_refused_and_changes_nothing(string kind)
    {
        _bed.Dispose();
        _bed = new ImageTestBed(RootlessUser.WithRanges!);
        MakeCanary();
        A_hostile_or_broken_input_is_refused_and_changes_nothing(kind);
        Assert.Empty(RootlessImageTests.OwnedByTheRange(_bed.DataRoot));
    }

    [RootTheory]
    [MemberData(nameof(Cases))]
    public void A_hostile_or_broken_input_is_refused_and_changes_nothing(string kind)
    {
        // A store with an image in it already, so there is something to keep unchanged.
        string good = _bed.ScratchPath("good.tar");
        File.WriteAllBytes(good, new LayerBuilder().Busybox().Tar());
        _bed.Ok("image", "import", good, "good:1");
        string input = Hostile(kind);
        string store = StoreSnapshot.Of(_bed.DataRoot);
        string canary = StoreSnapshot.Of(_canary);

        var result = _bed.Run("image", "import", input, "hostile:1");

        Assert.True(result.ExitCode == 125, result.ToString());
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("tinydocker: ", result.Stderr);
        Assert.Equal(store, StoreSnapshot.Of(_bed.DataRoot));
        Assert.Equal(canary, StoreSnapshot.Of(_canary));
        Assert.DoesNotContain("hostile", _bed.Ok("image", "ls").Stdout);
    }

    [RootFact]
    public void A_symlink_that_stays_inside_the_layer_may_be_written_through()
    {
        string tar = _bed.ScratchPath("inside.tar");
        File.WriteAllBytes(tar, new LayerBuilder().Busybox().Dir("usr/").Dir("usr/lib/").Symlink("lib", "usr/lib").File("lib/x.txt", "x").Tar());

        _bed.Ok("image", "import", tar, "inside:1");

        Assert.Equal("x", _bed.Ok("run", "--image", "inside:1", "c1", "cat", "/usr/lib/x.txt").Stdout);
    }

    [RootFact]
    public void A_file_entry_over_a_symlink_pointing_out_replaces_the_symlink_and_leaves_its_target_alone()
    {
        string tar = _bed.ScratchPath("over.tar");
        string precious = Path.Combine(_canary, "precious.txt");
        File.WriteAllBytes(tar, new LayerBuilder().Busybox().Symlink("x", precious).File("x", "mine").HardLink("y", "x").Tar());
        string canary = StoreSnapshot.Of(_canary);

        _bed.Ok("image", "import", tar, "over:1");

        Assert.Equal(canary, StoreSnapshot.Of(_canary));
        Assert.Equal("mine mine", _bed.Ok("run", "--image", "over:1", "c1", "sh", "-c", "echo $(cat /x) $(cat /y)").Stdout.Trim());
    }

    private string Hostile(string kind)
    {
        string canaryRel = _canary.TrimStart('/');
        var first = new LayerBuilder().File("ok.txt", "written before the bad entry");
        byte[] Layer(Func<LayerBuilder, LayerBuilder> bad) => bad(first).Tar();
        string tar = _bed.ScratchPath(kind + ".tar");
        switch (kind)
        {
            case "dotdot":
                File.WriteAllBytes(tar, Layer(b => b.File($"{Up}/{canaryRel}/evil", "evil")));
                return tar;
            case "absolute":
                File.WriteAllBytes(tar, Layer(b => b.File($"{_canary}/evil", "evil")));
                return tar;
            case "symlink-absolute":
                File.WriteAllBytes(tar, Layer(b => b.Symlink("escape", _canary).File("escape/evil", "evil")));
                return tar;
            case "symlink-relative":
                File.WriteAllBytes(tar, Layer(b => b.Symlink("escape", $"{Up}/{canaryRel}").File("escape/evil", "evil")));
                return tar;
            case "symlink-chain":
                File.WriteAllBytes(tar, Layer(b => b.Dir("d/").Symlink("d/a", "../b").Symlink("b", $"{Up}/{canaryRel}").File("d/a/evil", "evil")));
                return tar;
            case "hardlink-absolute":
                File.WriteAllBytes(tar, Layer(b => b.HardLink("evil", $"{_canary}/precious.txt")));
                return tar;
            case "hardlink-dotdot":
                File.WriteAllBytes(tar, Layer(b => b.HardLink("evil", $"{Up}/{canaryRel}/precious.txt")));
                return tar;
            case "truncated":
                byte[] whole = Compress.Gzip(new LayerBuilder().Busybox().Tar());
                File.WriteAllBytes(tar + ".gz", whole[..(whole.Length / 2)]);
                return tar + ".gz";
            case "unmapped-owner":
                File.WriteAllBytes(tar, Layer(b => b.File("far.txt", "far", uid: 70000, gid: 0)));
                return tar;
            case "device-node":
                File.WriteAllBytes(tar, Layer(b => b.CharDevice("null", 1, 3)));
                return tar;
            case "corrupt":
                byte[] gz = Compress.Gzip(new LayerBuilder().Busybox().Tar());
                for (int i = gz.Length / 2; i < gz.Length / 2 + 64; i++)
                {
                    gz[i] ^= 0x5a;
                }
                File.WriteAllBytes(tar + ".gz", gz);
                return tar + ".gz";
        }
        string layout = _bed.ScratchPath(kind);
        var image = new OciImageWriter(
            [new TestLayer(new LayerBuilder().Busybox().Tar()), new TestLayer(first.Tar(), kind == "unknown-media-type" ? "unknown" : "gzip")],
            diffIdOverride: kind == "diff-id-mismatch" ? OciImageWriter.Sha(new LayerBuilder().File("other.txt", "other").Tar()) : null);
        string secondLayer = OciImageWriter.Sha(image.LayerBlobs[1]);
        image.WriteLayout(layout, tamper: kind == "digest-mismatch"
            ? (digest, blob) => digest == secondLayer ? Compress.Gzip(new LayerBuilder().File("ok.txt", "tampered").Tar()) : blob
            : null);
        if (kind == "missing-blob")
        {
            File.Delete(Path.Combine(layout, "blobs/sha256", secondLayer[7..]));
        }
        return layout;
    }

    public void Dispose() => _bed.Dispose();
}
