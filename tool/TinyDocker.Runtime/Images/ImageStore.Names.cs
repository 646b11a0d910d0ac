using System.Text.Json;

namespace TinyDocker.Runtime.Images;

/// <summary>Image records and the names (tags, digest references, cached archive paths) that point at them.</summary>
public sealed partial class ImageStore
{
    /// <summary>Records an image and points <paramref name="names"/> (and a cached archive key) at it.</summary>
    public void SaveImage(ImageRecord image, IEnumerable<string> names, string? sourceKey = null)
    {
        using var meta = MetaLock();
        string path = ImagePath(Digest.Parse(image.Id));
        if (!File.Exists(path))
        {
            ImageJson.WriteAtomically(path, image, ImageJson.Default.ImageRecord);
        }
        var repos = ReadRepositories();
        foreach (var name in names)
        {
            repos.Tags[name] = image.Id;
        }
        if (sourceKey is not null)
        {
            repos.Sources[sourceKey] = image.Id;
        }
        ImageJson.WriteAtomically(RepositoriesFile, repos, ImageJson.Default.Repositories);
    }

    /// <summary>The image a name, a cached archive key, an id or an id prefix (12+ hex digits) denotes; null when none.</summary>
    public ImageRecord? Find(string nameOrId)
    {
        var repos = ReadRepositories();
        string? id = null;
        if (ImageReference.TryParse(nameOrId, out var reference, out _) && repos.Tags.TryGetValue(reference.ToString(), out var byName))
        {
            id = byName;
        }
        else if (repos.Sources.TryGetValue(nameOrId, out var bySource))
        {
            id = bySource;
        }
        else
        {
            id = FindId(nameOrId);
        }
        return id is null ? null : ReadImage(id);
    }

    public ImageRecord? ReadImage(string id)
    {
        string path = ImagePath(Digest.Parse(id));
        return File.Exists(path)
            ? JsonSerializer.Deserialize(File.ReadAllBytes(path), ImageJson.Default.ImageRecord)
            : null;
    }

    /// <summary>Every stored image with the names that point at it.</summary>
    public IReadOnlyList<ImageSummary> List()
    {
        var repos = ReadRepositories();
        var result = new List<ImageSummary>();
        foreach (var file in Directory.Exists(ImagesDir) ? Directory.EnumerateFiles(ImagesDir, "*.json") : [])
        {
            var image = JsonSerializer.Deserialize(File.ReadAllBytes(file), ImageJson.Default.ImageRecord);
            if (image is null)
            {
                continue;
            }
            result.Add(Summarize(image, repos));
        }
        return result.OrderByDescending(i => i.Created).ToList();
    }

    public ImageSummary Summarize(ImageRecord image) => Summarize(image, ReadRepositories());

    private static ImageSummary Summarize(ImageRecord image, Repositories repos)
        => new(image.Id,
            repos.Tags.Where(t => t.Value == image.Id).Select(t => t.Key).ToArray(),
            image.Layers, image.Size, image.UnpackedSize, image.Created, image.Source, image.Config);

    /// <summary>
    /// Removes a name; given an id, removes every name of it. The image record goes once no name points
    /// at it; its layers stay until `image prune`. Returns the names removed.
    /// </summary>
    public IReadOnlyList<string> Remove(string nameOrId)
    {
        if (!Directory.Exists(Root))
        {
            // Nothing was ever imported: say what docker says, not that a lock file is missing.
            throw new TinyDockerException($"no such image `{nameOrId}`");
        }
        using var meta = MetaLock();
        var repos = ReadRepositories();
        var removed = new List<string>();
        string? id;
        if (ImageReference.TryParse(nameOrId, out var reference, out _) && repos.Tags.TryGetValue(reference.ToString(), out id))
        {
            repos.Tags.Remove(reference.ToString());
            removed.Add(reference.ToString());
        }
        else if ((id = FindId(nameOrId)) is not null)
        {
            foreach (var name in repos.Tags.Where(t => t.Value == id).Select(t => t.Key).ToList())
            {
                repos.Tags.Remove(name);
                removed.Add(name);
            }
            foreach (var key in repos.Sources.Where(t => t.Value == id).Select(t => t.Key).ToList())
            {
                repos.Sources.Remove(key);
            }
        }
        else
        {
            throw new TinyDockerException($"no such image `{nameOrId}`");
        }
        if (!repos.Tags.ContainsValue(id) && !repos.Sources.ContainsValue(id))
        {
            File.Delete(ImagePath(Digest.Parse(id)));
            removed.Add(id);
        }
        ImageJson.WriteAtomically(RepositoriesFile, repos, ImageJson.Default.Repositories);
        return removed;
    }

    private string ImagePath(Digest id) => Path.Combine(ImagesDir, id.Hex + ".json");

    private string? FindId(string text)
    {
        string hex = text.StartsWith(Digest.Algorithm + ":", StringComparison.Ordinal) ? text[(Digest.Algorithm.Length + 1)..] : text;
        if (hex.Length < 12 || !hex.All(char.IsAsciiHexDigitLower) || !Directory.Exists(ImagesDir))
        {
            return null;
        }
        var matches = Directory.EnumerateFiles(ImagesDir, hex + "*.json").ToList();
        return matches.Count switch
        {
            1 => Digest.Algorithm + ":" + Path.GetFileNameWithoutExtension(matches[0]),
            0 => null,
            _ => throw new TinyDockerException($"image id prefix `{text}` is ambiguous"),
        };
    }

    private Repositories ReadRepositories()
        => File.Exists(RepositoriesFile)
            ? JsonSerializer.Deserialize(File.ReadAllBytes(RepositoriesFile), ImageJson.Default.Repositories) ?? new Repositories()
            : new Repositories();
}
