using System.Formats.Tar;
using System.Text;
using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// Writes one layer's tar stream into an empty directory, as overlayfs wants a lower layer:
/// whiteouts become 0/0 character devices, opaque markers the opaque xattr, and every entry
/// keeps its type, mode, numeric owner, mtime and xattrs. Nothing is ever written outside the
/// directory: names with `..` or a leading `/` are refused, a parent directory that is a symlink
/// is followed only while it stays inside the layer, a final component is never followed (an
/// existing entry there is replaced), and hard links must name an entry already in the layer.
/// Overlay's own xattrs in a layer (trusted.overlay.*, user.overlay.*) are dropped: only markers
/// this extractor writes may mean something to overlay.
/// </summary>
internal sealed partial class LayerExtractor
{
    private const int MaxSymlinks = 40;
    private const uint DefaultDirMode = 0b111_101_101;

    private readonly string _root;
    private readonly ExtractMode _mode;
    private readonly string _opaque;
    private readonly Dictionary<string, TarEntry> _dirs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _resolvedDirs = new(StringComparer.Ordinal); // ResolveDirectory's: name in the layer, path
    private readonly byte[] _buffer = new byte[256 * 1024];

    private LayerExtractor(string root, ExtractMode mode)
    {
        _root = root;
        _mode = mode;
        _opaque = Whiteouts.Opaque(mode.Markers);
    }

    /// <summary>Extracts every entry of <paramref name="tar"/> into <paramref name="root"/> (an empty directory).</summary>
    public static void Extract(Stream tar, string root, ExtractMode mode)
    {
        var extractor = new LayerExtractor(root, mode);
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
                Sys.Lsetxattr(dir, _opaque, "y"u8);
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
            // In a user namespace the layer's root stays the user's own on the host, so that the store can
            // still rename it (moving a directory needs write access to it); its owner never shows anyway:
            // the root of a container's overlay is its upper layer's.
            SetOwnerAndXattrs(_root, entry, chown: !_mode.InUserNamespace);
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
            _resolvedDirs.Clear();
            File.Delete(path);
            Sys.MkdirIfMissing(path, DefaultDirMode);
            Sys.Lsetxattr(path, _opaque, "y"u8);
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
        // O_EXCL and O_NOFOLLOW: never a symlink that might have appeared at the name. A descriptor of
        // our own rather than a FileStream, which adds a flock, an fstat and a seek to every file.
        using (var file = new FileDescriptor(Sys.Open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0b110_000_000)))
        {
            if (entry.DataStream is { } data)
            {
                int n;
                while ((n = data.Read(_buffer, 0, _buffer.Length)) > 0)
                {
                    if (Sys.TryWriteAll(file, _buffer.AsSpan(0, n)) is var errno and not 0)
                    {
                        throw new SyscallException("write", path, errno);
                    }
                }
            }
        }
        FinishNode(path, entry);
    }

    /// <summary>Owner before mode: chown clears the setuid and setgid bits.</summary>
    private void FinishNode(string path, TarEntry entry)
    {
        SetOwnerAndXattrs(path, entry);
        Sys.Chmod(path, (uint)entry.Mode);
        Sys.SetTimes(path, entry.ModificationTime, entry.ModificationTime);
    }

    private void SetOwnerAndXattrs(string path, TarEntry entry, bool chown = true)
    {
        if (chown && _mode.Chown)
        {
            SetOwner(path, entry);
        }
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
            if (name is null || bytes is null || Whiteouts.IsOverlayXattr(name))
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
}
