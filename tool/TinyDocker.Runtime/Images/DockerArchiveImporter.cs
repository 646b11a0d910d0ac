using System.Text.Json;
using TinyDocker.Runtime.Images.Sources;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// A `docker save` archive in the format before OCI layouts (manifest.json naming a config file and
/// layer tars). A layer is named by its blob path when that is blobs/sha256/HEX, else by the
/// config's diff_id (legacy layer.tar files are uncompressed, so the two are the same digest).
/// </summary>
internal static class DockerArchiveImporter
{
    public const string ManifestFile = "manifest.json";

    public static ImageRecord Import(ImageStore store, IArchiveFiles files, string where, ImageChoice choice, Progress progress)
    {
        byte[] manifestJson;
        using (var s = files.Open(ManifestFile))
        {
            manifestJson = LayoutBlobSource.ReadAll(s);
        }
        using var manifest = ParseArray(manifestJson, where);
        var images = manifest.RootElement.EnumerateArray().ToList();
        if (images.Count == 0)
        {
            throw new TinyDockerException($"`{where}`: manifest.json lists no image");
        }
        var image = Choose(images, where, choice);
        string configPath = image.TryGetProperty("Config", out var c) ? c.GetString() ?? "" : "";
        byte[] configJson;
        using (var s = files.Open(configPath))
        {
            configJson = LayoutBlobSource.ReadAll(s);
        }
        var configDigest = Digest.Of(configJson);
        if (BlobDigest(configPath) is { } named && named != configDigest)
        {
            throw new TinyDockerException($"`{where}`: digest mismatch: expected {named}, got {configDigest}");
        }
        ImageConfig config;
        IReadOnlyList<Digest> diffIds;
        using (var doc = OciDocuments.Parse(configJson, $"`{where}`: the image config"))
        {
            config = OciDocuments.ReadConfig(doc.RootElement);
            diffIds = OciDocuments.DiffIds(doc.RootElement);
        }
        var layerPaths = image.TryGetProperty("Layers", out var l) && l.ValueKind == JsonValueKind.Array
            ? l.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
            : throw new TinyDockerException($"`{where}`: manifest.json has no Layers list");
        var layers = new List<string>();
        using var staging = new LayerImporter(store);
        for (int i = 0; i < layerPaths.Count; i++)
        {
            string path = layerPaths[i];
            Digest? expected = BlobDigest(path) ?? (i < diffIds.Count ? diffIds[i] : null);
            int index = i + 1;
            var digest = staging.Add(() => files.Open(path), expected, $"`{where}`: layer {index}/{layerPaths.Count} `{path}`",
                bytes => progress.Layer(index, layerPaths.Count, path, bytes, null));
            layers.Add(digest.ToString());
        }
        long size = staging.BytesRead;
        staging.Commit();
        progress.Done();
        return new ImageRecord
        {
            Id = configDigest.ToString(),
            Layers = [.. layers],
            Config = config,
            Source = where,
            Created = DateTimeOffset.UtcNow,
            Size = size,
        };
    }

    private static Digest? BlobDigest(string path)
        => path.StartsWith("blobs/sha256/", StringComparison.Ordinal) && Digest.TryParse("sha256:" + path["blobs/sha256/".Length..], out var d) ? d : null;

    private static IEnumerable<string> RepoTags(JsonElement image)
        => image.TryGetProperty("RepoTags", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(x => x.GetString() ?? "")
            : [];

    private static JsonDocument ParseArray(byte[] json, string where)
    {
        try
        {
            var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Array
                ? doc
                : throw new TinyDockerException($"`{where}`: manifest.json is not a JSON list");
        }
        catch (JsonException e)
        {
            throw new TinyDockerException($"`{where}`: manifest.json is not valid JSON ({e.Message})", inner: e);
        }
    }

    /// <summary>As <see cref="IndexChooser"/>: the image named, else the one whose RepoTags carry the hint, else the only one.</summary>
    private static JsonElement Choose(List<JsonElement> images, string where, ImageChoice choice)
    {
        string Label(JsonElement i) => RepoTags(i).FirstOrDefault() ?? ConfigPath(i);
        List<JsonElement> named = choice switch
        {
            { Digest: { } d } => images.Where(i => BlobDigest(ConfigPath(i)) == d || ConfigPath(i).StartsWith(d.Hex, StringComparison.Ordinal)).ToList(),
            { Tag: { } t } => images.Where(i => RepoTags(i).Any(r => ImageChoice.Names(r, t))).ToList(),
            { TagHint: { } h } => images.Where(i => RepoTags(i).Any(r => ImageChoice.Names(r, h))).ToList() is { Count: > 0 } hinted ? hinted : images,
            _ => images,
        };
        return named.Count switch
        {
            1 => named[0],
            0 => throw new TinyDockerException($"`{where}`: no image {(object?)choice.Digest ?? $"tagged `{choice.Tag}`"} in manifest.json (it has: {string.Join(", ", images.Select(Label))})"),
            _ => throw new TinyDockerException($"`{where}`: manifest.json holds {named.Count} images ({string.Join(", ", named.Select(Label))}): "
                                               + $"choose one by tag (`{where}:TAG`) or digest (`{where}@sha256:…`)"),
        };
    }

    private static string ConfigPath(JsonElement image) => image.TryGetProperty("Config", out var c) ? c.GetString() ?? "" : "";
}
