using System.Formats.Tar;
using System.Text;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// Writes one layer's tar stream into an empty directory, as overlayfs wants a lower layer:
/// whiteouts become 0/0 character devices, opaque markers the opaque xattr, and every entry
/// keeps its type, mode, numeric owner, mtime and xattrs. Nothing is ever written outside the
/// directory: names with `..` or a leading `/` are refused, a parent directory that is a symlink
/// is followed only while it stays inside the layer, a final component is never followed (an
/// existing entry there is replaced), and hard links must name an entry already in the layer.
/// </summary>
internal sealed class LayerExtractor
{
    private const int MaxSymlinks = 40;
    private const uint DefaultDirMode = 0b111_101_101;

    private readonly string _root;
    private readonly Dictionary<string, TarEntry> _dirs = new(StringComparer.Ordinal);
    private readonly byte[] _buffer = new byte[256 * 1024];

    private LayerExtractor(string root) => _root = root;

    /// <summary>Extracts every entry of <paramref name="tar"/> into <paramref name="root"/> (an empty directory).</summary>
    public static void Extract(Stream tar, string root)
    {
        var extractor = new LayerExtractor(root);
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            extractor.Add(entry);
        }
        extractor.FinishDirectories();
    }

    private void Add(TarEntry entry)
    {
        if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
        {
            return;
        }
        string rel = LayerPathName.Normalize(entry.Name);
        var (meaning, target) = Whiteouts.Classify(rel);
        switch (meaning)
        {
            case EntryMeaning.Ignored:
                return;
            case EntryMeaning.OpaqueDirectory:
                string dir = ResolveDirectory(target, entry.Name);
                Sys.Lsetxattr(dir, Whiteouts.OpaqueXattr, "y"u8);
                return;
            case EntryMeaning.Whiteout:
                string deleted = Place(target, entry.Name);
                Sys.Mknod(deleted, Sys.S_IFCHR, 0);
                return;
        }
        if (rel.Length == 0)
        {
            if (entry.EntryType != TarEntryType.Directory)
            {
                throw new TinyDockerException($"layer entry `{entry.Name}` names the layer's root but is not a directory");
            }
            _dirs[_root] = entry;
            SetOwnerAndXattrs(_root, entry);
            return;
        }
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                MakeDirectory(rel, entry);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                WriteFile(Place(rel, entry.Name), entry);
                break;
            case TarEntryType.SymbolicLink:
                string link = Place(rel, entry.Name);
                Sys.Symlink(entry.LinkName, link);
                SetOwnerAndXattrs(link, entry);
                Sys.SetTimes(link, entry.ModificationTime, entry.ModificationTime);
                break;
            case TarEntryType.HardLink:
                string existing = ResolveHardLinkTarget(entry);
                string path = Place(rel, entry.Name);
                Sys.Link(existing, path);
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                string node = Place(rel, entry.Name);
                uint type = entry.EntryType switch
                {
                    TarEntryType.CharacterDevice => Sys.S_IFCHR,
                    TarEntryType.BlockDevice => Sys.S_IFBLK,
                    _ => Sys.S_IFIFO,
                };
                var (major, minor) = entry is PosixTarEntry p ? ((uint)p.DeviceMajor, (uint)p.DeviceMinor) : (0u, 0u);
                Sys.Mknod(node, type | (uint)entry.Mode, Sys.MakeDev(major, minor));
                FinishNode(node, entry);
                break;
            default:
                throw new TinyDockerException($"layer entry `{entry.Name}` has a type tinydocker cannot extract ({entry.EntryType})");
        }
    }

    private void MakeDirectory(string rel, TarEntry entry)
    {
        int slash = rel.LastIndexOf('/');
        string parent = slash < 0 ? _root : ResolveDirectory(rel[..slash], entry.Name);
        string path = $"{parent}/{rel[(slash + 1)..]}";
        if (IsWhiteout(path))
        {
            // Deleted and made again in one layer: a new directory, hiding what lower layers had there.
            File.Delete(path);
            Sys.MkdirIfMissing(path, DefaultDirMode);
            Sys.Lsetxattr(path, Whiteouts.OpaqueXattr, "y"u8);
        }
        path = Place(rel, entry.Name, keepDirectory: true);
        if (Sys.LstatType(path) != Sys.S_IFDIR)
        {
            Sys.MkdirIfMissing(path, DefaultDirMode);
        }
        SetOwnerAndXattrs(path, entry);
        _dirs[path] = entry; // mode and times once its children are in
    }

    private void WriteFile(string path, TarEntry entry)
    {
        // CreateNew is O_CREAT|O_EXCL: it never follows a symlink that might have appeared at the name.
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            if (entry.DataStream is { } data)
            {
                int n;
                while ((n = data.Read(_buffer, 0, _buffer.Length)) > 0)
                {
                    file.Write(_buffer, 0, n);
                }
            }
        }
        FinishNode(path, entry);
    }

    /// <summary>Owner before mode: chown clears the setuid and setgid bits.</summary>
    private static void FinishNode(string path, TarEntry entry)
    {
        SetOwnerAndXattrs(path, entry);
        Sys.Chmod(path, (uint)entry.Mode);
        Sys.SetTimes(path, entry.ModificationTime, entry.ModificationTime);
    }

    private static void SetOwnerAndXattrs(string path, TarEntry entry)
    {
        Sys.Lchown(path, (uint)entry.Uid, (uint)entry.Gid);
        if (entry is not PaxTarEntry pax)
        {
            return;
        }
        foreach (var (key, value) in pax.ExtendedAttributes)
        {
            string? name = null;
            byte[]? bytes = null;
            if (key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal))
            {
                name = key["SCHILY.xattr.".Length..];
                // System.Formats.Tar decodes PAX values as UTF-8: a binary value that was not valid
                // UTF-8 (U+FFFD in it) cannot be restored faithfully, so it is left out rather than corrupted.
                bytes = value.Contains('\uFFFD') ? null : Encoding.UTF8.GetBytes(value);
            }
            else if (key.StartsWith("LIBARCHIVE.xattr.", StringComparison.Ordinal))
            {
                name = Uri.UnescapeDataString(key["LIBARCHIVE.xattr.".Length..]);
                bytes = Convert.FromBase64String(value.PadRight((value.Length + 3) / 4 * 4, '='));
            }
            // A layer must not forge overlay's own metadata (redirects, metacopy, opaque): only markers do.
            if (name is null || bytes is null || name.StartsWith("trusted.overlay.", StringComparison.Ordinal))
            {
                continue;
            }
            Sys.Lsetxattr(path, name, bytes);
        }
    }

    /// <summary>Directories get their mode and times last, deepest first, so adding children does not undo them.</summary>
    private void FinishDirectories()
    {
        foreach (var (path, entry) in _dirs.OrderByDescending(d => d.Key.Length))
        {
            Sys.Chmod(path, (uint)entry.Mode);
            Sys.SetTimes(path, entry.ModificationTime, entry.ModificationTime);
        }
    }

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
                Directory.Delete(path, recursive: true);
                foreach (var gone in _dirs.Keys.Where(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
                {
                    _dirs.Remove(gone);
                }
            }
        }
        else if (type != 0)
        {
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
                    File.Delete(candidate);
                    Sys.MkdirIfMissing(candidate, DefaultDirMode);
                    Sys.Lsetxattr(candidate, Whiteouts.OpaqueXattr, "y"u8);
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
