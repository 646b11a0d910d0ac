// Runs in: the host tool (`diff`, or the supervisor for --keep-upper), while the container's init
// holds its scratch tmpfs open; every entry read is container-controlled.
using System.Text;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Mounts;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// The writes of a rootless container whose image is the host's root, found where they are: its
/// root is the scratch tmpfs's `upper` directory itself (links, mount points and the files the
/// container made at the top), and each top-level directory is an overlay whose upper is
/// `host/N/upper`, mounted where `host/N/path/…` says (see <see cref="HostRootSplit"/>). What the
/// setup made in the root (the host's links again, the directories overlays and binds are mounted
/// on) is no change; a host entry missing there was deleted. Every lookup is beneath the scratch
/// descriptor without following links.
/// </summary>
internal static class SplitRootChanges
{
    private const ulong Beneath = Sys.ResolveConfined;
    private const int MaxPathDepth = 16;

    /// <summary>A path in the container, as the names (bytes) that make it.</summary>
    public sealed record ContainerPath(IReadOnlyList<byte[]> Names)
    {
        public static readonly ContainerPath Root = new([]);

        public ContainerPath Child(byte[] name) => new([.. Names, name]);

        public ContainerPath Parent => new(Names.Take(Names.Count - 1).ToList());

        /// <summary>As `diff` prints it (odd bytes escaped).</summary>
        public string Shown => "/" + string.Join('/', Names.Select(n => CopyProblems.Show(n)));

        /// <summary>The same path on the host, for comparing with the image (the host's root).</summary>
        public string Host => "/" + string.Join('/', Names.Select(n => Encoding.UTF8.GetString(n)));

        /// <summary>One string per distinct path (Latin-1 maps bytes one to one).</summary>
        public string Key => "/" + string.Join('/', Names.Select(n => Encoding.Latin1.GetString(n)));
    }

    /// <summary>What is found, in the order found.</summary>
    public interface IVisitor
    {
        /// <summary>An entry of the container's own in the root (a whole tree when a directory): name <paramref name="name"/> beneath <paramref name="dir"/>.</summary>
        void Changed(FileDescriptor dir, byte[] name, ContainerPath path, bool existed);

        /// <summary>A host entry the container deleted from the root.</summary>
        void Deleted(ContainerPath path);

        /// <summary>The upper (an O_PATH descriptor) of the overlay mounted at <paramref name="path"/>, when it holds anything.</summary>
        void Layer(FileDescriptor upper, ContainerPath path);
    }

    public static void Visit(FileDescriptor scratch, IVisitor visitor)
    {
        var layers = Layers(scratch);
        try
        {
            var keys = layers.Select(l => l.Path.Key).ToHashSet(StringComparer.Ordinal);
            var splitDirs = layers.SelectMany(l => Ancestors(l.Path)).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
            using (var root = Open(scratch, "upper", O_RDONLY | O_DIRECTORY))
            {
                if (root is not null)
                {
                    WalkRoot(root, ContainerPath.Root, keys, splitDirs, visitor);
                }
            }
            foreach (var (path, upper) in layers)
            {
                using var dir = Sys.Reopen(upper, O_RDONLY | O_DIRECTORY, path.Shown);
                if (Sys.ReadDirectory(dir, path.Shown).Count > 0)
                {
                    visitor.Layer(upper, path);
                }
            }
        }
        finally
        {
            layers.ForEach(l => l.Upper.Dispose());
        }
    }

    /// <summary>Every proper ancestor of <paramref name="path"/> (the root first): directories the split made.</summary>
    private static IEnumerable<ContainerPath> Ancestors(ContainerPath path)
    {
        for (int n = 0; n < path.Names.Count; n++)
        {
            yield return new ContainerPath(path.Names.Take(n).ToList());
        }
    }

    private static void WalkRoot(FileDescriptor dir, ContainerPath at, HashSet<string> layers, HashSet<string> splitDirs, IVisitor visitor)
    {
        var names = Sys.ReadDirectory(dir, at.Shown);
        foreach (var name in names)
        {
            var path = at.Child(name);
            if (layers.Contains(path.Key))
            {
                continue; // an overlay's mount point: its writes are in its own upper
            }
            int fd = Sys.TryOpenat2(dir.Value, name, O_PATH | O_NOFOLLOW, Beneath);
            if (fd < 0)
            {
                continue; // removed while we looked
            }
            using var entry = new FileDescriptor(fd);
            var (mode, _, size) = Sys.Fstat(entry, path.Shown);
            uint type = mode & Sys.S_IFMT, onHost = HostType(path.Host);
            if (type == Sys.S_IFDIR && onHost == Sys.S_IFDIR)
            {
                using var sub = Sys.Reopen(entry, O_RDONLY | O_DIRECTORY, path.Shown);
                WalkRoot(sub, path, layers, splitDirs, visitor); // made by the setup: a split directory or a mount point
            }
            else if (type == Sys.S_IFLNK && onHost == Sys.S_IFLNK && Sys.ReadLink(entry, path.Shown).AsSpan().SequenceEqual(HostLink(path.Host)))
            {
                // the host's link, made again
            }
            else if (type == Sys.S_IFREG && size == 0 && onHost is not (0 or Sys.S_IFDIR or Sys.S_IFLNK))
            {
                // the empty file a host file (or socket, or FIFO) is bound on
            }
            else
            {
                visitor.Changed(dir, name, path, existed: onHost != 0);
            }
        }
        if (at.Names.Count == 0 || splitDirs.Contains(at.Key))
        {
            // Only where the setup copied the host's entries (the root and split directories) does a missing one mean a deletion.
            var present = names.Select(n => Encoding.Latin1.GetString(n)).ToHashSet(StringComparer.Ordinal);
            foreach (var host in HostEntries(at.Host))
            {
                byte[] name = Encoding.UTF8.GetBytes(host.Name);
                if (host.Kind != HostEntryKind.Other && !present.Contains(Encoding.Latin1.GetString(name)))
                {
                    visitor.Deleted(at.Child(name));
                }
            }
        }
    }

    private static uint HostType(string path)
    {
        try
        {
            return Sys.LstatType(path);
        }
        catch (SyscallException)
        {
            return 0; // below a directory the user cannot search: nothing the container was shown
        }
    }

    private static IEnumerable<HostEntry> HostEntries(string dir)
    {
        try
        {
            return HostRootSplit.HostEntries(dir).ToList();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return []; // the split left it empty too
        }
    }

    private static byte[] HostLink(string path)
    {
        try
        {
            return Encoding.UTF8.GetBytes(new FileInfo(path).LinkTarget ?? "");
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>Each overlay's upper and where it is mounted, read from `host/N/path/…`; a layer whose record is not one chain of directories is left out.</summary>
    private static List<(ContainerPath Path, FileDescriptor Upper)> Layers(FileDescriptor scratch)
    {
        var layers = new List<(ContainerPath, FileDescriptor)>();
        using var host = Open(scratch, "host", O_RDONLY | O_DIRECTORY);
        if (host is null)
        {
            return layers;
        }
        foreach (var n in Sys.ReadDirectory(host, "host"))
        {
            using var layer = Open(host, Encoding.Latin1.GetString(n), O_RDONLY | O_DIRECTORY);
            using var recorded = layer is null ? null : Open(layer, HostRootSplit.LayerPath, O_RDONLY | O_DIRECTORY);
            var path = recorded is null ? null : ReadChain(recorded);
            var upper = path is null ? null : Open(layer!, "upper", O_PATH | O_DIRECTORY);
            if (upper is not null)
            {
                layers.Add((path!, upper));
            }
        }
        return layers;
    }

    private static ContainerPath? ReadChain(FileDescriptor dir)
    {
        var names = new List<byte[]>();
        var at = dir;
        try
        {
            while (names.Count <= MaxPathDepth)
            {
                var children = Sys.ReadDirectory(at, HostRootSplit.LayerPath);
                if (children.Count == 0)
                {
                    return names.Count == 0 ? null : new ContainerPath(names);
                }
                if (children.Count > 1)
                {
                    return null;
                }
                int fd = Sys.TryOpenat2(at.Value, children[0], O_RDONLY | O_DIRECTORY | O_NOFOLLOW, Beneath);
                if (fd < 0)
                {
                    return null;
                }
                names.Add(children[0]);
                if (at != dir)
                {
                    at.Dispose();
                }
                at = new FileDescriptor(fd);
            }
            return null;
        }
        finally
        {
            if (at != dir)
            {
                at.Dispose();
            }
        }
    }

    private static FileDescriptor? Open(FileDescriptor dir, string name, int flags)
    {
        int fd = Sys.TryOpenat2(dir.Value, Encoding.Latin1.GetBytes(name), flags | O_NOFOLLOW, Beneath);
        return fd >= 0 ? new FileDescriptor(fd) : null;
    }
}
