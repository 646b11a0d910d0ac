using System.Text.Json;

namespace TinyDocker.Runtime.Images;

/// <summary>Reads the OCI and Docker JSON documents (index, manifest, config) that tinydocker needs, and nothing more.</summary>
internal static class OciDocuments
{
    public sealed record Manifest(Descriptor Config, IReadOnlyList<Descriptor> Layers);

    /// <summary>The document's media type: its own mediaType field, else told apart by shape (old layouts omit it).</summary>
    public static string MediaTypeOf(JsonElement doc)
    {
        if (doc.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String)
        {
            return mt.GetString()!;
        }
        return doc.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
    }

    public static JsonDocument Parse(byte[] json, string what)
    {
        try
        {
            var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                ? doc
                : throw new TinyDockerException($"{what} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new TinyDockerException($"{what} is not valid JSON ({e.Message})", inner: e);
        }
    }

    public static IReadOnlyList<Descriptor> IndexEntries(JsonElement index, string what)
        => Array(index, "manifests", what).Select(e => ReadDescriptor(e, what)).ToList();

    public static Manifest ReadManifest(JsonElement manifest, string what)
    {
        if (!manifest.TryGetProperty("config", out var config))
        {
            throw new TinyDockerException($"{what} has no config");
        }
        return new Manifest(ReadDescriptor(config, what), Array(manifest, "layers", what).Select(e => ReadDescriptor(e, what)).ToList());
    }

    /// <summary>The run defaults of an image config (its <c>config</c> object); absent fields stay empty.</summary>
    public static ImageConfig ReadConfig(JsonElement doc)
    {
        if (!doc.TryGetProperty("config", out var c) || c.ValueKind != JsonValueKind.Object)
        {
            return ImageConfig.Empty;
        }
        return new ImageConfig
        {
            Env = Strings(c, "Env") ?? [],
            WorkingDir = String(c, "WorkingDir") is { Length: > 0 } w ? w : null,
            User = String(c, "User") is { Length: > 0 } u ? u : null,
            Entrypoint = Strings(c, "Entrypoint"),
            Cmd = Strings(c, "Cmd"),
        };
    }

    /// <summary>rootfs.diff_ids of an image config: the digests of the uncompressed layers.</summary>
    public static IReadOnlyList<Digest> DiffIds(JsonElement doc)
        => doc.TryGetProperty("rootfs", out var r) && Strings(r, "diff_ids") is { } ids ? ids.Select(Digest.Parse).ToList() : [];

    private static Descriptor ReadDescriptor(JsonElement e, string what)
    {
        string? mediaType = String(e, "mediaType");
        string? digest = String(e, "digest");
        if (digest is null || !Digest.TryParse(digest, out var d))
        {
            throw new TinyDockerException($"{what}: a descriptor has no sha256 digest (`{digest}`)");
        }
        long size = e.TryGetProperty("size", out var s) && s.TryGetInt64(out long n) ? n : -1;
        var descriptor = new Descriptor(mediaType ?? "", d, size);
        if (e.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            descriptor = descriptor with { Os = String(p, "os"), Architecture = String(p, "architecture"), Variant = String(p, "variant") };
        }
        if (e.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            descriptor = descriptor with { RefName = String(a, "org.opencontainers.image.ref.name") };
        }
        return descriptor;
    }

    private static IEnumerable<JsonElement> Array(JsonElement e, string name, string what)
        => e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray()
            : throw new TinyDockerException($"{what} has no `{name}` list");

    private static string? String(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string[]? Strings(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
            : null;
}
