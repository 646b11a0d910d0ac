using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>
/// Layouts written by umoci, not by these tests: `umoci insert … /` makes a layer whose first entry
/// is the root `/`, and umoci 0.4.7 (Debian's) leaves its insert layers without the tar's closing
/// blocks; `umoci new` under two tags makes an index of two images.
/// </summary>
public sealed class UmociTests : IDisposable
{
    public const string Binary = "/usr/bin/umoci";

    private readonly ImageTestBed _bed = new();

    [RootFact]
    public void A_layout_made_by_umoci_insert_at_the_root_imports_and_runs()
    {
        string layout = _bed.ScratchPath("layout");
        string src = Directory.CreateDirectory(_bed.ScratchPath("src/bin")).Parent!.FullName;
        File.Copy("/bin/busybox", Path.Combine(src, "bin/busybox"));
        File.WriteAllText(Path.Combine(src, "hello.txt"), "hello via umoci");
        Umoci("init", "--layout", layout);
        Umoci("new", "--image", layout + ":1.0");
        Umoci("insert", "--image", layout + ":1.0", src, "/");
        Umoci("new", "--image", layout + ":empty");
        // The counter-proof that this is the case the issue is about: the layer's first entry is `/`.
        var listing = Shell.Run("sh", ["-c", $"for b in {layout}/blobs/sha256/*; do gzip -t $b 2>/dev/null && zcat $b | tar tf - 2>/dev/null | head -1; done"]);
        Assert.Contains("/\n", listing.Stdout, StringComparison.Ordinal);

        var refused = _bed.Run("image", "import", layout, "umoci:latest");
        _bed.Ok("image", "import", layout, "umoci:1.0");
        var run = _bed.Ok("run", "--image", "umoci:1.0", "c1", "/bin/busybox", "cat", "/hello.txt");

        Assert.Equal(125, refused.ExitCode);
        Assert.Contains("the index holds 2 images (1.0, empty)", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("hello via umoci", run.Stdout);
    }

    private static void Umoci(params string[] args)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: run scripts/install-deps.sh (package umoci)");
        }
        var r = Shell.Run(Binary, args);
        Assert.True(r.ExitCode == 0, $"umoci {string.Join(' ', args)}: {r}");
    }

    public void Dispose() => _bed.Dispose();
}
