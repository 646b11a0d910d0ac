using System.Formats.Tar;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Images;

/// <summary>Where an entry goes: names resolved inside the layer, never through a symlink that leaves it.</summary>
internal sealed partial class LayerExtractor
{
    /// <summary>
    /// The host path for a new entry at <paramref name="rel"/>: its parent resolved (and made) inside
    /// the layer, whatever already is at the name removed, unless it is a directory and
    /// <paramref name="keepDirectory"/> (a directory entry for an existing directory keeps its children).
    /// </summary>
    private string Place(string rel, string entryName, bool keepDirectory = false)
    {
        int slash = rel.LastIndexOf('/');
        string parent = slash < 0 ? _root : ResolveDirectory(rel[..slash], entryName);
        string path = $"{parent}/{rel[(slash + 1)..]}";
        uint type = Sys.LstatType(path);
        if (type == Sys.S_IFDIR)
        {
            if (!keepDirectory)
            {
                _resolvedDirs.Clear();
                Directory.Delete(path, recursive: true);
                foreach (var gone in _dirs.Keys.Where(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
                {
                    _dirs.Remove(gone);
                }
            }
        }
        else if (type != 0)
        {
            _resolvedDirs.Clear(); // a symlink a resolved directory went through may be the one removed
            File.Delete(path);
        }
        return path;
    }

    /// <summary>
    /// Resolves a directory path inside the layer, making missing directories. A symlink on the way is
    /// followed only if it stays in the layer: an absolute target or one that climbs above the layer's
    /// root means the entry would be written outside it, and the archive is refused.
    /// </summary>
    private string ResolveDirectory(string rel, string entryName, bool create = true)
    {
        // Most entries sit in a directory an earlier entry already resolved: a name walked once is not
        // walked again (an lstat per component per entry was most of an import's system calls). The
        // cache is emptied whenever anything in the layer is removed, the only way a resolved path changes.
        if (_resolvedDirs.TryGetValue(rel, out string? known))
        {
            return known;
        }
        string resolved = Walk(rel, entryName, create);
        _resolvedDirs[rel] = resolved;
        return resolved;
    }

    private string Walk(string rel, string entryName, bool create)
    {
        var pending = new Stack<string>(rel.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = new List<string>();
        int links = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (resolved.Count == 0)
                {
                    throw Escape(entryName);
                }
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            string candidate = Join(resolved.Append(part));
            switch (Sys.LstatType(candidate))
            {
                case 0 when create:
                    Sys.MkdirIfMissing(candidate, DefaultDirMode);
                    resolved.Add(part);
                    break;
                case 0:
                    throw new TinyDockerException($"layer entry `{entryName}` refers to `{rel}`, which is not in the layer");
                case Sys.S_IFDIR:
                    resolved.Add(part);
                    break;
                case Sys.S_IFCHR when create && IsWhiteout(candidate):
                    // An entry below a name this layer deleted: the directory is made again, opaque.
                    _resolvedDirs.Clear();
                    File.Delete(candidate);
                    Sys.MkdirIfMissing(candidate, DefaultDirMode);
                    Sys.Lsetxattr(candidate, _opaque, "y"u8);
                    resolved.Add(part);
                    break;
                case Sys.S_IFLNK:
                    string target = new FileInfo(candidate).LinkTarget!;
                    if (target.StartsWith('/') || ++links > MaxSymlinks)
                    {
                        throw Escape(entryName);
                    }
                    foreach (var t in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                    {
                        pending.Push(t);
                    }
                    break;
                default:
                    throw new TinyDockerException($"layer entry `{entryName}` needs `{string.Join('/', resolved.Append(part))}` to be a directory, and it is not");
            }
        }
        return Join(resolved);
    }

    /// <summary>A hard link's target: an entry already in this layer, named without `..` or a leading `/`.</summary>
    private string ResolveHardLinkTarget(TarEntry entry)
    {
        string rel;
        try
        {
            rel = LayerPathName.Normalize(entry.LinkName);
        }
        catch (TinyDockerException)
        {
            throw new TinyDockerException($"layer entry `{entry.Name}` is a hard link to `{entry.LinkName}`, outside the layer");
        }
        if (rel.Length == 0)
        {
            throw new TinyDockerException($"layer entry `{entry.Name}` is a hard link to the layer's root");
        }
        int slash = rel.LastIndexOf('/');
        string parent = slash < 0 ? _root : ResolveDirectory(rel[..slash], entry.Name, create: false);
        string path = $"{parent}/{rel[(slash + 1)..]}";
        uint type = Sys.LstatType(path);
        if (type == 0 || type == Sys.S_IFDIR)
        {
            throw new TinyDockerException($"layer entry `{entry.Name}` is a hard link to `{entry.LinkName}`, which is not a file earlier in the layer");
        }
        return path;
    }

    private static bool IsWhiteout(string path)
        => Sys.LstatType(path) == Sys.S_IFCHR && Sys.LstatDevice(path) == (0u, 0u);

    private static TinyDockerException Escape(string entryName)
        => new($"layer entry `{entryName}` would be written through a symlink that points out of the layer");

    private string Join(IEnumerable<string> parts)
    {
        string rest = string.Join('/', parts);
        return rest.Length == 0 ? _root : $"{_root}/{rest}";
    }
}
