using System.Diagnostics;
using System.Security.Cryptography;
using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>A real root filesystem (busybox-static) tarred by GNU tar the way ubuntu-base tarballs are, imported and run.</summary>
public sealed class RootfsTarballTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _rootfs;
    private readonly ImageTestBed _bed = new();

    public RootfsTarballTests(BusyboxImage rootfs) => _rootfs = rootfs;

    [RootTheory]
    [InlineData("tar")]
    [InlineData("tar.gz")]
    [InlineData("tar.zst")]
    public void An_imported_rootfs_tarball_runs(string extension)
    {
        string tarball = MakeTarball(extension);

        string id = _bed.Ok("image", "import", tarball, "busybox:test").Stdout.Trim();
        var run = _bed.Ok("run", "--image", "busybox:test", "c1", "sh", "-c", "echo hello from $(hostname); head -1 /etc/passwd; id -u");

        Assert.StartsWith("sha256:", id);
        Assert.Equal("hello from c1\nroot:x:0:0:root:/root:/bin/sh\n0\n", run.Stdout);
        Assert.Single(_bed.LayerDirs());
        Assert.Empty(_bed.TmpEntries());
        Assert.Contains("busybox:test", _bed.Ok("image", "ls").Stdout);
    }

    [RootFact]
    public void A_tarball_path_given_to_run_is_imported_once_then_used_from_the_store_and_never_changed()
    {
        string tarball = MakeTarball("tar.gz");
        string hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(tarball)));

        var first = _bed.Ok("run", "--image", tarball, "c1", "echo", "one");
        var layers = _bed.LayerDirs();
        var layerTime = Directory.GetLastWriteTimeUtc(Path.Combine(_bed.DataRoot, "layers", layers.Single()));
        var second = _bed.Ok("run", "--image", tarball, "c2", "echo", "two");

        Assert.Equal("one\n", first.Stdout);
        Assert.Equal("two\n", second.Stdout);
        Assert.Equal(layers, _bed.LayerDirs());
        Assert.Equal(layerTime, Directory.GetLastWriteTimeUtc(Path.Combine(_bed.DataRoot, "layers", layers.Single())));
        Assert.Equal(hash, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(tarball))));
        Assert.Empty(_bed.Tool.StateEntries());
    }

    [RootFact]
    public void A_directory_is_still_used_in_place()
    {
        string before = TreeSnapshot.Of(_rootfs.Dir);

        var run = _bed.Ok("run", "--image", _rootfs.Dir, "c1", "sh", "-c", "touch /new && ls /bin/busybox");

        Assert.Equal("/bin/busybox\n", run.Stdout);
        Assert.Empty(_bed.LayerDirs());
        Assert.Equal(before, TreeSnapshot.Of(_rootfs.Dir));
    }

    private string MakeTarball(string extension)
    {
        string tar = _bed.ScratchPath("rootfs.tar");
        // As ubuntu-base tarballs: entries ./ ./bin/ ..., numeric owners.
        var p = Process.Start("tar", ["--numeric-owner", "-C", _rootfs.Dir, "-cf", tar, "."])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        string result = _bed.ScratchPath("rootfs." + extension);
        byte[] bytes = File.ReadAllBytes(tar);
        switch (extension)
        {
            case "tar.gz":
                File.WriteAllBytes(result, Compress.Gzip(bytes));
                break;
            case "tar.zst":
                File.WriteAllBytes(result, Compress.Zstd(bytes));
                break;
        }
        return result;
    }

    public void Dispose() => _bed.Dispose();
}
