using System.Text.Json;
using TinyDocker.Runtime.Images.Sources;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// The one pipeline for OCI-shaped images, whatever they come from (layout, archive, registry):
/// index → the manifest chosen (by name, digest and platform) → config and layers, every document and
/// blob checked against its digest, each layer put in the store once.
/// </summary>
internal static class ManifestImporter
{
    private const int MaxIndexDepth = 8;

    /// <param name="choice">What picks one image when an index holds several (see <see cref="IndexChooser"/>).</param>
    public static ImageRecord Import(ImageStore store, IBlobSource source, string where, ImageChoice choice, Progress progress)
    {
        byte[] json = source.ReadRoot();
        for (int depth = 0; ; depth++)
        {
            using var doc = OciDocuments.Parse(json, $"`{where}`: {(depth == 0 ? "the top-level document" : "a manifest")}");
            string mediaType = OciDocuments.MediaTypeOf(doc.RootElement);
            if (MediaTypes.Indexes.Contains(mediaType))
            {
                if (depth >= MaxIndexDepth)
                {
                    throw new TinyDockerException($"`{where}`: image indexes nested more than {MaxIndexDepth} deep");
                }
                var chosen = IndexChooser.Choose(OciDocuments.IndexEntries(doc.RootElement, $"`{where}`: an index"), where, choice, topLevel: depth == 0);
                json = ReadVerified(() => source.ReadManifest(chosen), chosen, where);
                continue;
            }
            if (!MediaTypes.Manifests.Contains(mediaType))
            {
                throw new TinyDockerException($"`{where}`: unknown media type `{mediaType}` for a manifest");
            }
            return ImportManifest(store, source, OciDocuments.ReadManifest(doc.RootElement, $"`{where}`: the manifest"), where, progress);
        }
    }

    private static ImageRecord ImportManifest(ImageStore store, IBlobSource source, OciDocuments.Manifest manifest,
        string where, Progress progress)
    {
        foreach (var layer in manifest.Layers)
        {
            if (!MediaTypes.Layers.Contains(layer.MediaType))
            {
                throw new TinyDockerException($"`{where}`: unknown media type `{layer.MediaType}` for layer {layer.Digest}");
            }
        }
        byte[] configJson = ReadVerified(() => source.ReadManifest(manifest.Config), manifest.Config, where);
        ImageConfig config;
        IReadOnlyList<Digest> diffIds;
        using (var doc = OciDocuments.Parse(configJson, $"`{where}`: the image config"))
        {
            config = OciDocuments.ReadConfig(doc.RootElement);
            diffIds = OciDocuments.DiffIds(doc.RootElement);
        }
        if (diffIds.Count != 0 && diffIds.Count != manifest.Layers.Count)
        {
            throw new TinyDockerException($"`{where}`: the config lists {diffIds.Count} layers (rootfs.diff_ids), the manifest {manifest.Layers.Count}");
        }
        var layers = new List<string>();
        using var staging = new LayerImporter(store);
        for (int i = 0; i < manifest.Layers.Count; i++)
        {
            var d = manifest.Layers[i];
            int index = i + 1;
            staging.Add(() => source.OpenBlob(d), d.Digest, $"`{where}`: layer {index}/{manifest.Layers.Count} {d.Digest.Short}",
                bytes => progress.Layer(index, manifest.Layers.Count, d.Digest.Short, bytes, d.Size), diffIds.Count > 0 ? diffIds[i] : null);
            layers.Add(d.Digest.ToString());
        }
        staging.Commit();
        progress.Done();
        return new ImageRecord
        {
            Id = manifest.Config.Digest.ToString(),
            Layers = [.. layers],
            Config = config,
            Source = where,
            Created = DateTimeOffset.UtcNow,
            Size = manifest.Layers.Sum(l => Math.Max(0, l.Size)),
        };
    }

    /// <summary>Reads a small document and checks it is the one its descriptor names.</summary>
    public static byte[] ReadVerified(Func<byte[]> read, Descriptor d, string where)
    {
        byte[] bytes = read();
        if (d.Size >= 0 && bytes.Length != d.Size)
        {
            throw new TinyDockerException($"`{where}`: {d.Digest} is {bytes.Length} bytes, expected {d.Size}");
        }
        var actual = Digest.Of(bytes);
        return actual == d.Digest
            ? bytes
            : throw new TinyDockerException($"`{where}`: digest mismatch: expected {d.Digest}, got {actual}");
    }
}
