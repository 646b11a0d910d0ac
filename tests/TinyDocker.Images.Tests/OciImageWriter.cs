using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TinyDocker.Runtime.Images;

namespace TinyDocker.Images.Tests;

/// <summary>One layer as it goes into an image: its uncompressed tar and how it is stored.</summary>
internal sealed record TestLayer(byte[] Tar, string Compression = "gzip")
{
    public byte[] Blob => Compression switch
    {
        "gzip" or "unknown" => Images.Tests.Compress.Gzip(Tar),
        "zstd" => Images.Tests.Compress.Zstd(Tar),
        _ => Tar,
    };

    public string MediaType => Compression switch
    {
        "gzip" => "application/vnd.oci.image.layer.v1.tar+gzip",
        "zstd" => "application/vnd.oci.image.layer.v1.tar+zstd",
        "unknown" => "application/vnd.example.unknown.layer",
        _ => "application/vnd.oci.image.layer.v1.tar",
    };
}

/// <summary>
/// Writes spec-conformant images by hand (OCI image-spec 1.0: image-layout.md, manifest.md,
/// image-index.md, config.md): an OCI layout directory whose index.json points at a nested
/// index holding a manifest for this machine and one for another architecture; the same as an
/// oci-archive; and a docker-archive in `docker save`'s pre-OCI format.
/// </summary>
internal sealed class OciImageWriter
{
    /// <param name="diffIdOverride">Replaces the last layer's diff_id in the config (to make a lying config).</param>
    public OciImageWriter(IReadOnlyList<TestLayer> layers, JsonObject? config = null, string? diffIdOverride = null)
    {
        Layers = layers;
        var layerBlobs = layers.Select(l => l.Blob).ToList();
        LayerBlobs = layerBlobs;
        ConfigJson = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = HostPlatform.Architecture,
            ["os"] = "linux",
            ["config"] = config ?? new JsonObject(),
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(layers.Select((l, i) => (JsonNode)(i == layers.Count - 1 && diffIdOverride is not null ? diffIdOverride : Sha(l.Tar))).ToArray()),
            },
        }.ToJsonString());
        ManifestJson = Manifest(layers.Select((l, i) => (l.MediaType, layerBlobs[i])).ToList(), ConfigJson);
    }

    public IReadOnlyList<TestLayer> Layers { get; }
    public IReadOnlyList<byte[]> LayerBlobs { get; }
    public byte[] ConfigJson { get; }
    public byte[] ManifestJson { get; }
    public string ManifestDigest => Sha(ManifestJson);

    public static string Sha(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public static byte[] Manifest(IReadOnlyList<(string MediaType, byte[] Blob)> layers, byte[] config, string? note = null)
    {
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = Descriptor(MediaTypes.OciConfig, config),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)Descriptor(l.MediaType, l.Blob)).ToArray()),
        };
        if (note is not null)
        {
            manifest["annotations"] = new JsonObject { ["org.example.note"] = note };
        }
        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    public static JsonObject Descriptor(string mediaType, byte[] blob, JsonObject? platform = null)
    {
        var d = new JsonObject { ["mediaType"] = mediaType, ["digest"] = Sha(blob), ["size"] = blob.Length };
        if (platform is not null)
        {
            d["platform"] = platform;
        }
        return d;
    }

    /// <summary>
    /// An OCI layout: index.json → a nested index (this machine's manifest and another architecture's)
    /// → the manifest → config and layers. <paramref name="tamper"/> may change blobs before they are written.
    /// </summary>
    public void WriteLayout(string dir, string refName = "1.0", Func<string, byte[], byte[]>? tamper = null)
    {
        Directory.CreateDirectory(Path.Combine(dir, "blobs/sha256"));
        System.IO.File.WriteAllText(Path.Combine(dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        string otherArch = HostPlatform.Architecture == "s390x" ? "ppc64le" : "s390x";
        byte[] other = Manifest(Layers.Select((l, i) => (l.MediaType, LayerBlobs[i])).ToList(), ConfigJson, note: otherArch);
        byte[] nested = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(
                Descriptor(MediaTypes.OciManifest, other, new JsonObject { ["os"] = "linux", ["architecture"] = otherArch }),
                Descriptor(MediaTypes.OciManifest, ManifestJson, new JsonObject { ["os"] = "linux", ["architecture"] = HostPlatform.Architecture })),
        }.ToJsonString());
        var top = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(Descriptor(MediaTypes.OciIndex, nested)),
        };
        ((JsonObject)top["manifests"]![0]!)["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = refName };
        System.IO.File.WriteAllText(Path.Combine(dir, "index.json"), top.ToJsonString());
        foreach (var blob in LayerBlobs.Append(ConfigJson).Append(ManifestJson).Append(other).Append(nested))
        {
            string digest = Sha(blob);
            System.IO.File.WriteAllBytes(Path.Combine(dir, "blobs/sha256", digest[7..]), tamper is null ? blob : tamper(digest, blob));
        }
    }

    /// <summary>An oci-archive: the layout, tarred (as skopeo copy oci-archive: writes it).</summary>
    public void WriteOciArchive(string file, string scratch)
    {
        WriteLayout(scratch);
        TarFile.CreateFromDirectory(scratch, file, includeBaseDirectory: false);
    }

    /// <summary>A docker-archive as `docker save` wrote it before OCI layouts: HEX/layer.tar, HEX.json, manifest.json.</summary>
    public void WriteDockerArchive(string file, string repoTag)
    {
        using var stream = System.IO.File.Create(file);
        using var writer = new TarWriter(stream, TarEntryFormat.Ustar);
        var layerPaths = new List<string>();
        foreach (var layer in Layers)
        {
            string hex = Sha(layer.Tar)[7..];
            writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, hex + "/"));
            WriteFile(writer, $"{hex}/VERSION", "1.0"u8.ToArray());
            WriteFile(writer, $"{hex}/layer.tar", layer.Tar);
            layerPaths.Add($"{hex}/layer.tar");
        }
        string configName = Sha(ConfigJson)[7..] + ".json";
        WriteFile(writer, configName, ConfigJson);
        var manifest = new JsonArray(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = new JsonArray(repoTag),
            ["Layers"] = new JsonArray(layerPaths.Select(p => (JsonNode)p).ToArray()),
        });
        WriteFile(writer, "manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }

    private static void WriteFile(TarWriter writer, string name, byte[] content)
        => writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = (UnixFileMode)0b110_100_100 });
}
