using TinyDocker.Runtime.Interop;
using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>
/// Images imported and pulled by an ordinary user (rootless, through setpriv): with subordinate ids
/// the layer's owners are kept (uid 33 is uid 33 inside, range start + 32 on the host), whiteouts and
/// opaque directories work with user.overlay.* markers, a forged overlay xattr means nothing, and
/// rm and prune remove files the user does not own on the host.
/// </summary>
public sealed class RootlessImageTests : IClassFixture<LoopbackRegistry>, IDisposable
{
    private readonly LoopbackRegistry _registry;
    private ImageTestBed? _bed;

    public RootlessImageTests(LoopbackRegistry registry) => _registry = registry;

    private const string Script = "stat -c '%n %u %g %a' /www /www/index.html /www/suid; find /data /opq | sort";

    internal static OciImageWriter TwoLayers(IReadOnlyDictionary<string, string>? forgedOnTop = null)
    {
        var bottom = new LayerBuilder()
            .Busybox()
            .Dir("www/", uid: 33, gid: 33).File("www/index.html", "hi", uid: 33, gid: 33)
            .File("www/suid", "#!/bin/sh\n", (UnixFileMode)0b100_111_101_101, uid: 1234, gid: 5678)
            .Dir("data/").File("data/keep.txt", "keep").File("data/gone.txt", "gone")
            .Dir("opq/").File("opq/lower.txt", "lower")
            .Dir("ro/", (UnixFileMode)0b101_101_101).File("ro/f.txt", "read-only directory: the user cannot unlink this on the host");
        var top = forgedOnTop is null
            ? new LayerBuilder().Whiteout("data/gone.txt").File("opq/top.txt", "top").Opaque("opq")
            : new LayerBuilder().Add(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.Directory, "opq/", forgedOnTop)
                { Mode = (UnixFileMode)0b111_101_101, ModificationTime = LayerBuilder.Time }).File("opq/top.txt", "top");
        return new OciImageWriter([new TestLayer(bottom.Tar(), "gzip"), new TestLayer(top.Tar(), "zstd")]);
    }

    private ImageTestBed Bed(RootlessUser? user)
        => _bed = new ImageTestBed(user ?? throw new InvalidOperationException("no rootless user"));

    private string Layout(OciImageWriter image)
    {
        string dir = _bed!.ScratchPath("layout");
        image.WriteLayout(dir);
        _bed.Tool.RunAs!.Own(dir);
        return dir;
    }

    private string Layer(OciImageWriter image, int i) => Path.Combine(_bed!.DataRoot, "layers", OciImageWriter.Sha(image.LayerBlobs[i])[7..]);

    [RootlessFact]
    public void With_subordinate_ids_an_imported_image_keeps_its_owners_deletes_and_hides_and_is_removed_whole()
    {
        var bed = Bed(RootlessUser.WithRanges);
        var image = TwoLayers();
        bed.Ok("image", "import", Layout(image), "owned:1");

        var inside = bed.Ok("run", "--no-cwd", "--image", "owned:1", "c1", "sh", "-c", Script);

        Assert.Equal("""
            /www 33 33 755
            /www/index.html 33 33 644
            /www/suid 1234 5678 4755
            /data
            /data/keep.txt
            /opq
            /opq/top.txt

            """.Replace("\r", ""), inside.Stdout);
        // On the host: the ids the map gives them, and user.overlay.* markers (never trusted.*).
        Assert.Equal(RootlessUser.RangeStart + 32, Sys.LstatOwner($"{Layer(image, 0)}/www/index.html")!.Value.Uid);
        Assert.Equal(RootlessUser.RangeStart + 1233, Sys.LstatOwner($"{Layer(image, 0)}/www/suid")!.Value.Uid);
        Assert.Equal("y", System.Text.Encoding.UTF8.GetString(Sys.Lgetxattr($"{Layer(image, 1)}/opq", "user.overlay.opaque")!));
        Assert.Null(Sys.Lgetxattr($"{Layer(image, 1)}/opq", "trusted.overlay.opaque"));
        Assert.Equal((0u, 0u), Sys.LstatDevice($"{Layer(image, 1)}/data/gone.txt"));

        bed.Ok("image", "rm", "owned:1");
        bed.Ok("image", "prune");

        Assert.Empty(bed.LayerDirs());
        Assert.Empty(bed.TmpEntries());
        Assert.Empty(OwnedByTheRange(bed.DataRoot));
    }

    [RootlessFact]
    public void With_subordinate_ids_a_pulled_image_keeps_its_owners_and_its_whiteouts()
    {
        var bed = Bed(RootlessUser.WithRanges);
        string repo = $"rootless/owned{Guid.NewGuid():N}"[..24];
        _registry.Push(repo, "1", TwoLayers());
        string reference = $"{_registry.Host}/{repo}:1";

        bed.Ok("image", "pull", reference);
        var inside = bed.Ok("run", "--no-cwd", "--image", reference, "c1", "sh", "-c", Script);

        Assert.StartsWith("/www 33 33 755\n/www/index.html 33 33 644\n/www/suid 1234 5678 4755\n/data\n/data/keep.txt\n/opq\n/opq/top.txt\n", inside.Stdout);
        bed.Ok("image", "rm", reference);
        bed.Ok("image", "prune");
        Assert.Empty(bed.LayerDirs());
        Assert.Empty(OwnedByTheRange(bed.DataRoot));
    }

    [RootlessFact]
    public void Without_subordinate_ids_every_file_is_root_inside_and_whiteouts_and_opaque_directories_still_work()
    {
        var bed = Bed(RootlessUser.SingleId);
        var image = TwoLayers();
        bed.Ok("image", "import", Layout(image), "single:1");

        var inside = bed.Ok("run", "--no-cwd", "--image", "single:1", "c1", "sh", "-c", Script);

        Assert.Equal("/www 0 0 755\n/www/index.html 0 0 644\n/www/suid 0 0 4755\n/data\n/data/keep.txt\n/opq\n/opq/top.txt\n", inside.Stdout);
        bed.Ok("image", "rm", "single:1");
        bed.Ok("image", "prune");
        Assert.Empty(bed.LayerDirs());
        Assert.Empty(bed.TmpEntries());
    }

    [RootlessFact]
    public void A_rootless_commit_keeps_the_owners_deletions_and_opaque_directories_the_container_made()
    {
        var bed = Bed(RootlessUser.WithRanges);
        bed.Ok("image", "import", Layout(TwoLayers()), "owned:1");
        bed.Ok("run", "-d", "--no-cwd", "--image", "owned:1", "src", "sh", "-c",
            "busybox chown 1234:33 /www/index.html; echo n > /www/new; busybox chown 33:1234 /www/new; echo r > /rootfile; "
            + "busybox rm /data/keep.txt; busybox rm -r /opq; busybox mkdir /opq; echo n > /opq/again; echo ready; exec sleep 1000");
        try
        {
            bed.Ok("wait", "--for", "log:ready", "--timeout", "30s", "src");
            // No cgroup freezer rootless (docs/services.md): --pause=false.
            bed.Ok("commit", "--pause=false", "src", "owned:2");
        }
        finally
        {
            bed.Run("rm", "-f", "src");
        }

        var inside = bed.Ok("run", "--no-cwd", "--image", "owned:2", "c2", "sh", "-c", "stat -c '%n %u %g' /www/index.html /www/new /rootfile; find /data /opq | sort");

        // The upper's owners are host ids (the range, the user); the layer records the ids they are inside. The
        // rootless overlay marked the new /opq with user.overlay.opaque, which the commit turned into the OCI marker.
        Assert.Equal("/www/index.html 1234 33\n/www/new 33 1234\n/rootfile 0 0\n/data\n/opq\n/opq/again\n", inside.Stdout);
    }

    [RootlessFact]
    public void A_layer_cannot_forge_overlay_markers_in_either_convention()
    {
        var bed = Bed(RootlessUser.WithRanges);
        var forged = TwoLayers(new Dictionary<string, string>
        {
            ["SCHILY.xattr.user.overlay.opaque"] = "y",
            ["SCHILY.xattr.trusted.overlay.opaque"] = "y",
            ["SCHILY.xattr.user.overlay.redirect"] = "/data",
        });
        bed.Ok("image", "import", Layout(forged), "forged:1");

        var inside = bed.Ok("run", "--no-cwd", "--image", "forged:1", "c1", "sh", "-c", "find /opq | sort");

        // The lower layer's file still shows: the forged opaque marker was dropped (the real marker hides it, above).
        Assert.Equal("/opq\n/opq/lower.txt\n/opq/top.txt\n", inside.Stdout);
        Assert.Null(Sys.Lgetxattr($"{Layer(forged, 1)}/opq", "user.overlay.opaque"));
        Assert.Null(Sys.Lgetxattr($"{Layer(forged, 1)}/opq", "user.overlay.redirect"));
    }

    [RootlessFact]
    public void A_store_claimed_by_root_is_refused_to_an_ordinary_user_rather_than_mixed()
    {
        var bed = Bed(RootlessUser.WithRanges);
        var image = TwoLayers();
        string layout = Layout(image);
        using (var asRoot = new TinyTool())
        {
            asRoot.Environment["TINYDOCKER_DATA"] = bed.DataRoot;
            Assert.Equal(0, asRoot.Run("image", "import", layout, "roots:1").ExitCode);
        }
        RootlessUser.WithRanges!.Own(bed.DataRoot);

        var refused = bed.Run("image", "import", Layout(new OciImageWriter([new TestLayer(new LayerBuilder().File("other.txt", "o").Tar())])), "mine:1");

        Assert.Equal(125, refused.ExitCode);
        Assert.Equal($"tinydocker: the image store `{bed.DataRoot}` is root's (its layers' overlay markers are trusted.overlay.*, which an ordinary user cannot write): set TINYDOCKER_DATA to a store of your own\n", refused.Stderr);
    }

    /// <summary>Every path below <paramref name="dir"/> owned by one of the test user's subordinate ids.</summary>
    internal static List<string> OwnedByTheRange(string dir)
        => Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(p => Sys.LstatOwner(p) is { Uid: >= RootlessUser.RangeStart and < RootlessUser.RangeStart + 65536 })
            .ToList();

    public void Dispose() => _bed?.Dispose();
}
