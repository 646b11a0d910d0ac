using System.Formats.Tar;
using TinyDocker.Runtime.Images.Sources;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// `image import` and `run --image FILE`: tells what a path holds and imports it.
/// A directory with index.json is an OCI layout; a tar whose first entries are oci-layout,
/// index.json, blobs/ or manifest.json (or docker's HEX/ directories) is an oci- or docker-archive;
/// any other tar (plain, gzip or zstd) is a root filesystem and becomes a one-layer image.
/// </summary>
public static class ImageImporter
{
    private const int EntriesToSniff = 8;

    /// <param name="source">A path, or `PATH:TAG` / `PATH@sha256:HEX` to pick one image of several (see <see cref="ParseSource"/>).</param>
    /// <param name="choice">The platform (and a tag or digest already split off); the first name's tag is added as a hint.</param>
    public static ImageRecord Import(ImageStore store, string source, IReadOnlyList<string> names, Progress progress,
        string? sourceKey = null, ImageChoice? choice = null)
    {
        var (path, chosen) = ParseSource(source, (choice ?? ImageChoice.Default) with { TagHint = TagHint(names) });
        string full = Path.GetFullPath(path);
        store.EnsureCreated();
        using var importing = store.ImportLock();
        ImageRecord image;
        if (Directory.Exists(full))
        {
            if (!File.Exists(Path.Combine(full, LayoutBlobSource.IndexFile)))
            {
                throw new TinyDockerException($"`{path}` is a directory but not an OCI image layout (no index.json); "
                                              + "a root filesystem directory needs no import: use `run --image DIR`");
            }
            using var files = new DirectoryFiles(full);
            image = ManifestImporter.Import(store, new LayoutBlobSource(files, path), path, chosen, progress);
        }
        else if (File.Exists(full))
        {
            image = ImportFile(store, full, path, chosen, progress);
        }
        else
        {
            throw new TinyDockerException($"`{path}` does not exist");
        }
        image = image with { UnpackedSize = store.UnpackedSize(image) };
        store.SaveImage(image, names, sourceKey);
        return image;
    }

    /// <summary>
    /// `PATH`, `PATH:TAG` or `PATH@sha256:HEX` (as skopeo's oci:PATH:TAG): a path that exists is
    /// taken whole, colon and all; otherwise a suffix after the last `:` (past the last `/`) or `@`
    /// is the tag or digest to choose, when what is before it is a file or an OCI layout (a plain
    /// directory `busybox/` does not turn the name `busybox:1.36` into a path).
    /// </summary>
    public static (string Path, ImageChoice Choice) ParseSource(string source, ImageChoice choice)
    {
        if (Exists(source))
        {
            return (source, choice);
        }
        int at = source.LastIndexOf('@');
        if (at > 0 && Digest.TryParse(source[(at + 1)..], out var digest) && HoldsImages(source[..at]))
        {
            return (source[..at], choice with { Digest = digest });
        }
        int colon = source.LastIndexOf(':');
        if (colon > 0 && colon > source.LastIndexOf('/') && colon < source.Length - 1 && HoldsImages(source[..colon]))
        {
            return (source[..colon], choice with { Tag = source[(colon + 1)..] });
        }
        return (source, choice);
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    private static bool HoldsImages(string path)
        => File.Exists(path) || File.Exists(Path.Combine(path, LayoutBlobSource.IndexFile));

    private static ImageRecord ImportFile(ImageStore store, string full, string path, ImageChoice choice, Progress progress)
    {
        var (kind, compressed) = Sniff(full, path);
        if (kind == ArchiveKind.RootFs)
        {
            if (choice.Tag is not null || choice.Digest is not null)
            {
                throw new TinyDockerException($"`{path}` is a root filesystem tarball, one image: there is no tag or digest to choose");
            }
            using var staging = new LayerImporter(store);
            long size = new FileInfo(full).Length; // once: the callback runs at every read
            var layer = staging.Add(() => File.OpenRead(full), expected: null, $"`{path}`",
                bytes => progress.Layer(1, 1, Path.GetFileName(path), bytes, size));
            staging.Commit();
            progress.Done();
            return new ImageRecord
            {
                // The image is its one layer and no config: name it for that content.
                Id = Digest.Of(System.Text.Encoding.UTF8.GetBytes($"tinydocker rootfs image\n{layer}\n")).ToString(),
                Layers = [layer.ToString()],
                Config = ImageConfig.Empty,
                Source = path,
                Created = DateTimeOffset.UtcNow,
                Size = new FileInfo(full).Length,
            };
        }
        string? unpacked = null;
        try
        {
            string tarPath = full;
            if (compressed)
            {
                // A compressed archive cannot be read in place by offset: decompress it once, beside the store.
                unpacked = store.NewTempDir("archive");
                tarPath = Path.Combine(unpacked, "archive.tar");
                using var raw = File.OpenRead(full);
                using var input = LayerCompression.Decompress(raw);
                using var output = File.Create(tarPath);
                input.CopyTo(output);
            }
            using var files = new TarFiles(tarPath);
            return files.Exists(LayoutBlobSource.IndexFile)
                ? ManifestImporter.Import(store, new LayoutBlobSource(files, path), path, choice, progress)
                : files.Exists(DockerArchiveImporter.ManifestFile)
                    ? DockerArchiveImporter.Import(store, files, path, choice, progress)
                    : throw new TinyDockerException($"`{path}` looks like an image archive but has neither index.json nor manifest.json");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ZstdSharp.ZstdException)
        {
            throw new TinyDockerException($"`{path}`: corrupt or truncated archive ({e.Message.TrimEnd('.')})", inner: e);
        }
        finally
        {
            if (unpacked is not null)
            {
                store.RemoveTree(unpacked);
            }
        }
    }

    private enum ArchiveKind
    {
        RootFs,
        ImageArchive,
    }

    private static (ArchiveKind, bool Compressed) Sniff(string full, string path)
    {
        using var raw = File.OpenRead(full);
        using var tar = LayerCompression.Decompress(raw, out bool compressed);
        try
        {
            using var reader = new TarReader(tar, leaveOpen: true);
            for (int i = 0; i < EntriesToSniff && reader.GetNextEntry(copyData: false) is { } entry; i++)
            {
                string name = entry.Name.TrimStart('.', '/');
                if (name is "oci-layout" or "index.json" or "manifest.json" or "repositories"
                    || name.StartsWith("blobs/", StringComparison.Ordinal)
                    || (name.Length >= 64 && Digest.TryParse("sha256:" + name[..64], out _)))
                {
                    return (ArchiveKind.ImageArchive, compressed);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ZstdSharp.ZstdException)
        {
            throw new TinyDockerException($"`{path}`: corrupt or truncated archive ({e.Message.TrimEnd('.')})", inner: e);
        }
        return (ArchiveKind.RootFs, compressed);
    }

    /// <summary>The tag of the name being imported: it picks among several images in one archive.</summary>
    private static string? TagHint(IReadOnlyList<string> names)
        => names.Count > 0 && ImageReference.TryParse(names[0], out var r, out _) ? r.Tag : null;
}
