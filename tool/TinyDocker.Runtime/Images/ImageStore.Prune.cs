namespace TinyDocker.Runtime.Images;

/// <summary>Garbage collection: unnamed images, unused layers, leftovers of dead processes.</summary>
public sealed partial class ImageStore
{
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
}
