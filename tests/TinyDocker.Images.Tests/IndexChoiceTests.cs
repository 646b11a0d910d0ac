using System.Text;
using System.Text.Json.Nodes;
using TinyDocker.Runtime.Images;
using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>
/// Layouts holding several images, as umoci (several tags) and registries (one image per platform)
/// write them: one is taken only when it is chosen, by tag, digest or platform; otherwise the
/// import is refused with one line naming them, and the store is left as it was.
/// </summary>
public sealed class IndexChoiceTests : IDisposable
{
    private readonly ImageTestBed _bed = new();

    /// <summary>busybox, then a layer whose /which says what this image is.</summary>
    private static OciImageWriter Image(string which)
        => new([new TestLayer(new LayerBuilder().Busybox().Tar()), new TestLayer(new LayerBuilder().File("which", which).Tar())]);

    /// <summary>An OCI layout whose index.json lists each image with its ref name and platform as given.</summary>
    internal static void WriteLayout(string dir, params (OciImageWriter Image, string? RefName, string? Platform)[] entries)
    {
        Directory.CreateDirectory(Path.Combine(dir, "blobs/sha256"));
        File.WriteAllText(Path.Combine(dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        var manifests = new JsonArray();
        foreach (var (image, refName, platform) in entries)
        {
            JsonObject? p = null;
            if (platform is not null)
            {
                var parts = platform.Split('/');
                p = new JsonObject { ["os"] = parts[0], ["architecture"] = parts[1] };
                if (parts.Length > 2)
                {
                    p["variant"] = parts[2];
                }
            }
            var d = OciImageWriter.Descriptor(MediaTypes.OciManifest, image.ManifestJson, p);
            if (refName is not null)
            {
                d["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = refName };
            }
            manifests.Add(d);
            foreach (var blob in image.LayerBlobs.Append(image.ConfigJson).Append(image.ManifestJson))
            {
                File.WriteAllBytes(Path.Combine(dir, "blobs/sha256", OciImageWriter.Sha(blob)[7..]), blob);
            }
        }
        File.WriteAllText(Path.Combine(dir, "index.json"),
            new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = manifests }.ToJsonString());
    }

    [RootFact]
    public void Two_tags_and_no_choice_are_refused_naming_both_and_a_tag_or_digest_chooses()
    {
        string layout = _bed.ScratchPath("tags");
        var b = Image("b");
        WriteLayout(layout, (Image("a"), "a", null), (b, "b", null));
        _bed.Ok("image", "import", layout + ":a", "seed:1"); // a store with something in it to keep unchanged
        string store = StoreSnapshot.Of(_bed.DataRoot);

        var refused = _bed.Run("image", "import", layout, "x:latest");
        var unknownTag = _bed.Run("image", "import", layout + ":zz", "x:latest");

        Assert.Equal(125, refused.ExitCode);
        Assert.Equal($"tinydocker: `{layout}`: the index holds 2 images (a, b): choose one by tag (`{layout}:TAG`) or digest (`{layout}@sha256:…`)\n", refused.Stderr);
        Assert.Equal(125, unknownTag.ExitCode);
        Assert.Equal($"tinydocker: `{layout}`: no image tagged `zz` in the index (it has: a, b)\n", unknownTag.Stderr);
        Assert.Equal(store, StoreSnapshot.Of(_bed.DataRoot));

        _bed.Ok("image", "import", layout + ":b", "by-tag:1");
        _bed.Ok("image", "import", layout, "by-name:b"); // the name's own tag is tried
        _bed.Ok("image", "import", $"{layout}@{b.ManifestDigest}", "by-digest:1");
        Assert.Equal("b", _bed.Ok("run", "--image", "by-tag:1", "c1", "cat", "/which").Stdout);
        Assert.Equal("b", _bed.Ok("run", "--image", "by-name:b", "c2", "cat", "/which").Stdout);
        Assert.Equal("b", _bed.Ok("run", "--image", "by-digest:1", "c3", "cat", "/which").Stdout);
        Assert.Equal("a", _bed.Ok("run", "--image", layout + ":a", "c4", "cat", "/which").Stdout); // run --image takes the same spelling
        Assert.Equal(125, _bed.Run("run", "--image", layout, "c5", "true").ExitCode);
    }

    [RootFact]
    public void A_stored_name_that_also_reads_as_a_path_and_tag_is_the_stored_image()
    {
        string work = Directory.CreateDirectory(_bed.ScratchPath("cwd")).FullName;
        Directory.CreateDirectory(Path.Combine(work, "plain"));        // a plain directory named like the image
        WriteLayout(Path.Combine(work, "layout"), (Image("in the layout"), "1.0", null)); // a layout named like it
        string stored = _bed.ScratchPath("stored");
        WriteLayout(stored, (Image("stored"), null, null));
        _bed.Ok("image", "import", stored, "plain:1.0");
        _bed.Ok("image", "import", stored, "layout:1.0");

        var plain = _bed.Tool.Run(["run", "--no-cwd", "--image", "plain:1.0", "c1", "cat", "/which"], workingDirectory: work);
        var layout = _bed.Tool.Run(["run", "--no-cwd", "--image", "layout:1.0", "c2", "cat", "/which"], workingDirectory: work);
        var path = _bed.Tool.Run(["run", "--no-cwd", "--image", "./layout:1.0", "c3", "cat", "/which"], workingDirectory: work);

        Assert.Equal("stored", plain.Stdout);
        Assert.Equal("stored", layout.Stdout);
        Assert.Equal("in the layout", path.Stdout); // spelled as a path, it is one
    }

    [RootFact]
    public void A_multi_architecture_index_gives_this_machines_image_and_platform_chooses_another()
    {
        string other = HostPlatform.Architecture == "arm64" ? "amd64" : "arm64";
        string layout = _bed.ScratchPath("multiarch");
        WriteLayout(layout,
            (Image(other), null, $"linux/{other}"),
            (Image(HostPlatform.Architecture), null, $"linux/{HostPlatform.Architecture}"),
            (Image("arm-v6"), null, "linux/arm/v6"),
            (Image("arm-v7"), null, "linux/arm/v7"),
            (Image("attestation"), null, "unknown/unknown"));

        Assert.Equal(HostPlatform.Architecture, _bed.Ok("run", "--image", layout, "c1", "cat", "/which").Stdout);
        Assert.Equal(other, _bed.Ok("run", "--image", layout, "--platform", $"linux/{other}", "c2", "cat", "/which").Stdout);
        Assert.Equal("arm-v7", _bed.Ok("run", "--image", layout, "--platform", "linux/arm/v7", "c3", "cat", "/which").Stdout);
        _bed.Ok("image", "import", "--platform", $"linux/{other}", layout, $"imported:{other}");
        Assert.Equal(other, _bed.Ok("run", "--image", $"imported:{other}", "c4", "cat", "/which").Stdout);

        var missing = _bed.Run("image", "import", "--platform", "linux/mips64le", layout, "x:1");
        var variants = _bed.Run("image", "import", "--platform", "linux/arm", layout, "x:1");
        var malformed = _bed.Run("image", "import", "--platform", "linux", layout, "x:1");

        Assert.Equal(125, missing.ExitCode);
        Assert.Equal($"tinydocker: `{layout}`: no image for linux/mips64le in the index (it has: linux/{other}, linux/{HostPlatform.Architecture}, "
                     + "linux/arm/v6, linux/arm/v7, unknown/unknown): choose one with --platform\n", missing.Stderr);
        Assert.Equal(125, variants.ExitCode);
        Assert.Contains("the index holds 2 images for linux/arm", variants.Stderr, StringComparison.Ordinal);
        Assert.Equal("tinydocker: invalid platform `linux`: expected OS/ARCH[/VARIANT], e.g. linux/arm64\n", malformed.Stderr);
    }

    [RootFact]
    public void A_root_entry_slash_or_dot_slash_is_the_layers_root_and_other_absolute_names_are_still_refused()
    {
        string good = _bed.ScratchPath("root.tar");
        File.WriteAllBytes(good, new LayerBuilder().Dir("/", (UnixFileMode)0b111_101_101).Busybox().Dir("./").File("x", "root entries taken").Tar());
        foreach (var (name, entry) in new[] { ("dotdot", "/../x"), ("absolute", "/etc/x") })
        {
            string bad = _bed.ScratchPath(name + ".tar");
            File.WriteAllBytes(bad, new LayerBuilder().Dir("/").Busybox().File(entry, "evil").Tar());
            var refused = _bed.Run("image", "import", bad, "bad:1");
            Assert.Equal(125, refused.ExitCode);
            Assert.Contains($"layer entry `{entry}`", refused.Stderr, StringComparison.Ordinal);
        }

        _bed.Ok("image", "import", good, "root:1");

        Assert.Equal("root entries taken", _bed.Ok("run", "--image", "root:1", "c1", "cat", "/x").Stdout);
    }

    [RootFact]
    public void Image_ls_shows_what_the_layers_take_unpacked()
    {
        byte[] big = new byte[3 << 20];
        new Random(7).NextBytes(big); // incompressible, so the compressed size is about the same: add a compressible file too
        byte[] zeros = new byte[5 << 20];
        string layout = _bed.ScratchPath("sized");
        var image = new OciImageWriter([
            new TestLayer(new LayerBuilder().Busybox().Tar()),
            new TestLayer(new LayerBuilder().File("big", big).File("zeros", zeros).Symlink("link", "big").Tar()),
        ]);
        image.WriteLayout(layout);
        long expected = new FileInfo("/bin/busybox").Length + big.Length + zeros.Length;

        _bed.Ok("image", "import", layout, "sized:1.0");
        var json = JsonNode.Parse(_bed.Ok("image", "ls", "--format", "json").Stdout)!.AsArray().Single()!;
        var table = _bed.Ok("image", "ls").Stdout.Split('\n')[1];

        Assert.Equal(expected, json["unpackedSize"]!.GetValue<long>());
        Assert.True(json["size"]!.GetValue<long>() < expected - (4 << 20), "the compressed size is smaller: the zeros compress");
        Assert.Contains(Progress.Size(expected), table, StringComparison.Ordinal);
    }

    public void Dispose() => _bed.Dispose();
}
