using System.Text.Json;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// The content-addressed image store under a data root:
/// <code>
///   layers/HEX/          one extracted layer per digest: an overlay lower directory, never changed
///   images/HEX.json      one record per image id (layers + config)
///   repositories.json    names (tags, digest references, cached archive paths) to image ids
///   tmp/PID-layer-GUID/  imports in progress; renamed into layers/ once complete and verified
///   tmp/PID-pin-GUID     layers a `run` (process PID) stands on: prune keeps them while PID lives
///   gc.lock              imports hold it shared, prune exclusive: prune never sees a half-import
///   meta.lock            held exclusive while repositories.json or images/ change
/// </code>
/// </summary>
public sealed class ImageStore
{
    public ImageStore(string root)
    {
        Root = root;
    }

    public string Root { get; }
    public string LayersDir => Path.Combine(Root, "layers");
    public string ImagesDir => Path.Combine(Root, "images");
    public string TmpDir => Path.Combine(Root, "tmp");
    private string RepositoriesFile => Path.Combine(Root, "repositories.json");

    public static ImageStore Open() => new(DataRoot.Current);

    /// <summary>The overlay lower directory of a layer.</summary>
    public string LayerPath(Digest digest) => Path.Combine(LayersDir, digest.Hex);

    public bool HasLayer(Digest digest) => Directory.Exists(LayerPath(digest));

    /// <summary>Creates the store's directories (0711: containers of other users still traverse into lowers).</summary>
    public void EnsureCreated()
    {
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                  | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var dir in new[] { Root, LayersDir, ImagesDir, TmpDir })
        {
            Directory.CreateDirectory(dir, mode);
        }
    }

    /// <summary>Held shared for the whole of an import so prune cannot remove layers not yet named by an image.</summary>
    internal StoreLock ImportLock() => StoreLock.Take(Path.Combine(Root, "gc.lock"), exclusive: false);

    internal StoreLock GcLock() => StoreLock.Take(Path.Combine(Root, "gc.lock"), exclusive: true);

    private StoreLock MetaLock() => StoreLock.Take(Path.Combine(Root, "meta.lock"), exclusive: true);

    /// <summary>A fresh directory on the store's filesystem (so it can be renamed into place), named for this process.</summary>
    public string NewTempDir(string purpose)
    {
        string dir = Path.Combine(TmpDir, $"{Environment.ProcessId}-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// Moves a fully extracted and verified layer into place with one rename. If another import
    /// landed the same digest first, theirs stays and ours is thrown away: the content is the same.
    /// </summary>
    public void CommitLayer(string staged, Digest digest)
    {
        int errno = Sys.TryRename(staged, LayerPath(digest));
        if (errno == 0)
        {
            return;
        }
        RemoveTree(staged);
        if (errno is not (Errno.EEXIST or 39 /* ENOTEMPTY */) || !HasLayer(digest))
        {
            throw new SyscallException("rename", LayerPath(digest), errno);
        }
    }

    /// <summary>
    /// Records, for as long as this process lives, that it uses <paramref name="layers"/>. A `run`
    /// pins its image's layers under the import lock, before it writes its spec, so a prune in
    /// between cannot take them; the pin goes when the process exits (or, if it was killed, at prune).
    /// </summary>
    public void PinForThisProcess(IEnumerable<Digest> layers)
    {
        string path = Path.Combine(TmpDir, $"{Environment.ProcessId}-pin-{Guid.NewGuid():N}");
        File.WriteAllLines(path, layers.Select(l => l.Hex));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
    }

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
            image.Layers, image.Size, image.Created, image.Source, image.Config);

    /// <summary>
    /// Removes a name; given an id, removes every name of it. The image record goes once no name points
    /// at it; its layers stay until `image prune`. Returns the names removed.
    /// </summary>
    public IReadOnlyList<string> Remove(string nameOrId)
    {
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

    /// <summary>
    /// Removes images no name points at, layers no image uses (unless a live container has them as a
    /// lower directory), and what dead imports left in tmp/. Returns what was removed.
    /// </summary>
    public IReadOnlyList<string> Prune(IReadOnlySet<string> liveLayerDirs)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }
        var removed = new List<string>();
        using var gc = GcLock();
        using var meta = MetaLock();
        var repos = ReadRepositories();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(ImagesDir, "*.json"))
        {
            string id = Digest.Algorithm + ":" + Path.GetFileNameWithoutExtension(file);
            if (!repos.Tags.ContainsValue(id) && !repos.Sources.ContainsValue(id))
            {
                File.Delete(file);
                removed.Add($"image {id}");
                continue;
            }
            foreach (var layer in ReadImage(id)?.Layers ?? [])
            {
                used.Add(Digest.Parse(layer).Hex);
            }
        }
        foreach (var pin in Directory.EnumerateFiles(TmpDir, "*-pin-*"))
        {
            if (int.TryParse(Path.GetFileName(pin).Split('-')[0], out int pid) && Directory.Exists($"/proc/{pid}"))
            {
                used.UnionWith(File.ReadAllLines(pin));
            }
        }
        foreach (var dir in Directory.EnumerateDirectories(LayersDir))
        {
            string hex = Path.GetFileName(dir);
            if (!used.Contains(hex) && !liveLayerDirs.Contains(Path.GetFullPath(dir)))
            {
                RemoveTree(dir);
                removed.Add($"layer {Digest.Algorithm}:{hex}");
            }
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(TmpDir))
        {
            // Entries are named PID-...: only a dead process's leftovers go.
            string name = Path.GetFileName(entry);
            if (int.TryParse(name.Split('-')[0], out int pid) && !Directory.Exists($"/proc/{pid}"))
            {
                RemoveTree(entry);
            }
        }
        return removed;
    }

    /// <summary>
    /// Removes a tree without ever exposing a half-removed layer under its name: it is renamed
    /// into tmp/ first. Symlinks are removed, never followed.
    /// </summary>
    public void RemoveTree(string path)
    {
        string doomed = path;
        if (!path.StartsWith(TmpDir + "/", StringComparison.Ordinal))
        {
            doomed = Path.Combine(TmpDir, $"{Environment.ProcessId}-rm-{Guid.NewGuid():N}");
            if (Sys.TryRename(path, doomed) != 0)
            {
                return;
            }
        }
        if (Sys.LstatType(doomed) == Sys.S_IFDIR)
        {
            Directory.Delete(doomed, recursive: true);
        }
        else
        {
            File.Delete(doomed);
        }
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
