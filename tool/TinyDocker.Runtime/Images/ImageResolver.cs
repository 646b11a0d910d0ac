namespace TinyDocker.Runtime.Images;

/// <summary>What `run --image X` stands on: overlay lower directories, newest first, and the image's run defaults.</summary>
/// <param name="Id">The stored image's id; null for a directory used in place.</param>
public sealed record ResolvedImage(string[] Layers, ImageConfig Config, string? Id = null);

/// <summary>
/// The one place `--image X` is given meaning: an existing directory is used in place as the only
/// layer, unless it is an OCI image layout; an existing file (or layout) is imported on first use
/// and found in the store after that (keyed by path, size and mtime); anything else is a name or
/// id in the store.
/// </summary>
public static class ImageResolver
{
    /// <param name="platform">The image to take from a multi-architecture archive or layout (default: this machine's).</param>
    public static ResolvedImage Resolve(string image, ImageStore store, Progress progress, Platform? platform = null)
    {
        if (Directory.Exists(image) && !IsOciLayout(image))
        {
            return new ResolvedImage([Path.GetFullPath(image)], ImageConfig.Empty);
        }
        var (path, choice) = ImageImporter.ParseSource(image, ImageChoice.Default with { Platform = platform ?? Platform.Host });
        bool importable = File.Exists(path) || Directory.Exists(path);
        if (importable && path != image && Directory.Exists(store.Root) && store.Find(image) is not null)
        {
            // `x:1.0` names a stored image and also reads as file `x`, tag 1.0: the stored name wins, as it did before.
            importable = false;
        }
        if (!importable && !ImageReference.TryParse(image, out _, out _) && !image.StartsWith(Digest.Algorithm + ":", StringComparison.Ordinal)
            && !image.All(char.IsAsciiHexDigitLower))
        {
            throw new TinyDockerException($"image `{image}` is not a directory, a file or an image name");
        }
        if (!importable && !Directory.Exists(store.Root))
        {
            // A name with no store at all: not found, and no empty store made for it.
            throw NotFound(image, store);
        }
        store.EnsureCreated();
        using var importing = store.ImportLock(); // no prune between finding the layers and pinning them
        ImageRecord record;
        if (importable)
        {
            // The same file chosen differently (tag, digest, platform) is another image.
            string key = $"{SourceKey(path)}:{choice.Key}";
            record = store.Find(key) is { } cached && HasAllLayers(store, cached)
                ? cached
                : ImageImporter.Import(store, path, [], progress, key, choice);
        }
        else
        {
            record = store.Find(image) ?? throw NotFound(image, store);
        }
        if (record.Layers.Length == 0)
        {
            throw new TinyDockerException($"image `{image}` has no layers");
        }
        if (!HasAllLayers(store, record))
        {
            throw new TinyDockerException($"image `{image}` is missing layers in `{store.LayersDir}`: import or pull it again");
        }
        store.PinForThisProcess(record.Layers.Select(Digest.Parse));
        return new ResolvedImage(
            record.Layers.Reverse().Select(l => store.LayerPath(Digest.Parse(l))).ToArray(),
            record.Config,
            record.Id);
    }

    private static TinyDockerException NotFound(string image, ImageStore store)
        => new($"image `{image}` not found: no such directory or file, and not in the store "
               + $"at `{store.Root}` (`image import` or `image pull` it first)");

    /// <summary>A cached archive is the same while its path, size and modification time are.</summary>
    public static string SourceKey(string path)
    {
        string full = Path.GetFullPath(path);
        // A layout changes only by rewriting its index.json.
        var info = new FileInfo(Directory.Exists(full) ? Path.Combine(full, Sources.LayoutBlobSource.IndexFile) : full);
        return $"file:{full}:{info.Length}:{info.LastWriteTimeUtc.Ticks}";
    }

    /// <summary>An OCI image layout (oci-layout and index.json), not a root filesystem: imported, not used in place.</summary>
    private static bool IsOciLayout(string dir)
        => File.Exists(Path.Combine(dir, "oci-layout")) && File.Exists(Path.Combine(dir, Sources.LayoutBlobSource.IndexFile));

    private static bool HasAllLayers(ImageStore store, ImageRecord record)
        => record.Layers.All(l => store.HasLayer(Digest.Parse(l)));
}
