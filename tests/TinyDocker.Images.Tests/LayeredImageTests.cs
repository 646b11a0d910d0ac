using System.Text.Json.Nodes;
using TinyDocker.Runtime.Interop;
using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>
/// A three-layer image where later layers delete a file, delete a directory and make a directory
/// opaque (its marker listed after the directory's new content): the container sees exactly the
/// tree the layers mean, from an OCI layout, an oci-archive and a docker-archive alike.
/// </summary>
public sealed class LayeredImageTests : IDisposable
{
    private readonly ImageTestBed _bed = new();

    internal static OciImageWriter ThreeLayers()
    {
        var bottom = new LayerBuilder()
            .Busybox()
            .Dir("etc/").File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
            .Dir("data/").File("data/keep.txt", "keep").File("data/gone.txt", "gone")
            .File("data/suid", "#!/bin/sh\n", (UnixFileMode)0b100_111_101_101, uid: 1234, gid: 5678)
            .HardLink("data/hard", "data/keep.txt")
            .Fifo("data/fifo")
            .CharDevice("data/null", 1, 3)
            .Symlink("data/link", "keep.txt")
            .File("data/xattr.txt", "x", pax: new Dictionary<string, string> { ["SCHILY.xattr.user.tinydocker"] = "hello" })
            .Dir("olddir/").Dir("olddir/sub/").File("olddir/sub/f.txt", "f")
            .Dir("opq/").File("opq/lower.txt", "lower").Dir("opq/lowersub/").File("opq/lowersub/y.txt", "y");
        var middle = new LayerBuilder()
            .Whiteout("data/gone.txt") // before its directory's entry: order must not matter
            .Dir("data/")
            .Whiteout("olddir")
            .File("opq/mid.txt", "mid");
        var top = new LayerBuilder()
            .File("opq/top.txt", "top")
            .Opaque("opq") // after the directory's new content
            .File("data/added.txt", "added");
        return new OciImageWriter(
            [new TestLayer(bottom.Tar(), "gzip"), new TestLayer(middle.Tar(), "zstd"), new TestLayer(top.Tar(), "tar")],
            new JsonObject
            {
                ["Env"] = new JsonArray("PATH=/bin", "GREETING=hello"),
                ["WorkingDir"] = "/data",
                ["Cmd"] = new JsonArray("sh", "-c", "echo cmd ran in $(pwd) with $GREETING"),
            });
    }

    private const string TreeScript =
        "find /data /opq | sort; test -e /olddir && echo olddir-present || echo olddir-absent; "
        + "stat -c '%n %a %u %g %Y %h %F' /data/suid /data/hard /data/fifo /data/null; readlink /data/link; cat /data/keep.txt";

    private const string ExpectedTree = """
        /data
        /data/added.txt
        /data/fifo
        /data/hard
        /data/keep.txt
        /data/link
        /data/null
        /data/suid
        /data/xattr.txt
        /opq
        /opq/top.txt
        olddir-absent
        /data/suid 4755 1234 5678 1577934245 1 regular file
        /data/hard 644 0 0 1577934245 2 regular file
        /data/fifo 644 0 0 1577934245 1 fifo
        /data/null 666 0 0 1577934245 1 character special file
        keep.txt
        keep
        """;

    [RootTheory]
    [InlineData("layout")]
    [InlineData("oci-archive")]
    [InlineData("docker-archive")]
    [InlineData("docker-archive.gz")]
    public void The_container_shows_exactly_the_tree_the_layers_mean(string format)
    {
        var image = ThreeLayers();
        string source = Write(image, format);

        _bed.Ok("image", "import", source, "layered:1.0");
        var tree = _bed.Ok("run", "--image", "layered:1.0", "c1", "sh", "-c", TreeScript);

        Assert.Equal(ExpectedTree.Replace("\r", ""), tree.Stdout);
        Assert.Equal(3, _bed.LayerDirs().Count);
        Assert.Empty(_bed.TmpEntries());
    }

    [RootFact]
    public void Layers_hold_overlay_whiteouts_opaque_markers_and_xattrs()
    {
        var image = ThreeLayers();
        _bed.Ok("image", "import", Write(image, "layout"), "layered:1.0");
        string Layer(int i) => Path.Combine(_bed.DataRoot, "layers", OciImageWriter.Sha(image.LayerBlobs[i])[7..]);

        Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(Sys.Lgetxattr($"{Layer(0)}/data/xattr.txt", "user.tinydocker")!));
        Assert.Equal(Sys.S_IFCHR, Sys.LstatType($"{Layer(1)}/data/gone.txt"));
        Assert.Equal((0u, 0u), Sys.LstatDevice($"{Layer(1)}/data/gone.txt"));
        Assert.Equal(Sys.S_IFCHR, Sys.LstatType($"{Layer(1)}/olddir"));
        Assert.Equal("y", System.Text.Encoding.UTF8.GetString(Sys.Lgetxattr($"{Layer(2)}/opq", "trusted.overlay.opaque")!));
        Assert.Null(Sys.Lgetxattr($"{Layer(1)}/opq", "trusted.overlay.opaque"));
        Assert.False(File.Exists($"{Layer(2)}/opq/.wh..wh..opq"));
    }

    [RootFact]
    public void The_config_supplies_command_env_and_workdir_and_run_arguments_override_them()
    {
        _bed.Ok("image", "import", Write(ThreeLayers(), "layout"), "layered:1.0");

        var defaults = _bed.Ok("run", "--image", "layered:1.0", "c1");
        var overridden = _bed.Ok("run", "--image", "layered:1.0", "-e", "GREETING=bye", "c2", "sh", "-c", "echo $GREETING in $(pwd)");

        Assert.Equal("cmd ran in /data with hello\n", defaults.Stdout);
        Assert.Equal("bye in /data\n", overridden.Stdout);
        using var inspect = System.Text.Json.JsonDocument.Parse(_bed.Ok("image", "inspect", "layered:1.0").Stdout);
        Assert.Equal(3, inspect.RootElement.GetProperty("layers").GetArrayLength());
        Assert.Equal("/data", inspect.RootElement.GetProperty("config").GetProperty("workingDir").GetString());
        Assert.Equal(["layered:1.0"], inspect.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [RootFact]
    public void An_oci_layout_given_to_run_is_imported_on_first_use_with_its_config()
    {
        string layout = Write(ThreeLayers(), "layout");

        var first = _bed.Ok("run", "--image", layout, "c1");
        var second = _bed.Ok("run", "--image", layout, "c2", "cat", "/opq/top.txt");

        Assert.Equal("cmd ran in /data with hello\n", first.Stdout);
        Assert.Equal("top", second.Stdout);
        Assert.Equal(3, _bed.LayerDirs().Count);
        Assert.Single(System.Text.Json.JsonDocument.Parse(_bed.Ok("image", "ls", "--format", "json").Stdout).RootElement.EnumerateArray());
    }

    [RootFact]
    public void A_directory_deleted_and_made_again_in_one_layer_shows_only_its_new_content()
    {
        var image = new OciImageWriter([
            new TestLayer(new LayerBuilder().Busybox().Dir("d/").File("d/old.txt", "old").Dir("e/").File("e/old.txt", "old").Tar()),
            new TestLayer(new LayerBuilder().Whiteout("d").File("d/new.txt", "new").Whiteout("e").Dir("e/").Tar()),
        ]);
        string dir = _bed.ScratchPath("recreate");
        image.WriteLayout(dir);
        _bed.Ok("image", "import", dir, "recreate:1");

        Assert.Equal("/d\n/d/new.txt\n/e\n", _bed.Ok("run", "--image", "recreate:1", "c1", "sh", "-c", "find /d /e | sort").Stdout);
    }

    [RootFact]
    public void The_config_user_runs_the_command_unless_u_says_otherwise()
    {
        var image = new OciImageWriter(
            [new TestLayer(new LayerBuilder().Busybox().Dir("etc/").File("etc/passwd", "root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n").Tar())],
            new JsonObject { ["User"] = "nobody" });
        string dir = _bed.ScratchPath("user-layout");
        image.WriteLayout(dir);
        _bed.Ok("image", "import", dir, "user:1");

        Assert.Equal("65534 65534\n", _bed.Ok("run", "--image", "user:1", "c1", "sh", "-c", "echo $(id -u) $(id -g)").Stdout);
        Assert.Equal("0\n", _bed.Ok("run", "--image", "user:1", "-u", "0", "c2", "id", "-u").Stdout);
    }

    [RootFact]
    public void Two_imports_of_one_image_at_once_both_succeed_and_store_each_layer_once()
    {
        string layout = Write(ThreeLayers(), "layout");

        using var a = _bed.Tool.Start("image", "import", layout, "one:1");
        using var b = _bed.Tool.Start("image", "import", layout, "two:1");
        a.WaitForExit();
        b.WaitForExit();

        Assert.True(a.ExitCode == 0, a.StandardError.ReadToEnd());
        Assert.True(b.ExitCode == 0, b.StandardError.ReadToEnd());
        Assert.Equal(3, _bed.LayerDirs().Count);
        Assert.Empty(_bed.TmpEntries());
        Assert.Equal("keep", _bed.Ok("run", "--image", "two:1", "c1", "cat", "/data/keep.txt").Stdout);
    }

    private string Write(OciImageWriter image, string format)
    {
        switch (format)
        {
            case "layout":
                string dir = _bed.ScratchPath("layout");
                image.WriteLayout(dir);
                return dir;
            case "oci-archive":
                string oci = _bed.ScratchPath("image.oci.tar");
                image.WriteOciArchive(oci, _bed.ScratchPath("layout-for-archive"));
                return oci;
            case "docker-archive.gz":
                string plain = _bed.ScratchPath("image.docker.tar");
                image.WriteDockerArchive(plain, "layered:1.0");
                File.WriteAllBytes(plain + ".gz", Compress.Gzip(File.ReadAllBytes(plain)));
                return plain + ".gz";
            default:
                string docker = _bed.ScratchPath("image.docker.tar");
                image.WriteDockerArchive(docker, "layered:1.0");
                return docker;
        }
    }

    public void Dispose() => _bed.Dispose();
}
