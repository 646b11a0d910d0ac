using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Mounts;

/// <summary>
/// The host's root as a rootless container's image. An overlay with `lowerdir=/` fails in a user
/// namespace (the kernel: "failed to clone lowerpath"): overlayfs clones its lower mount, and the
/// kernel refuses to clone a mount with submounts locked by the namespace's creation ("/" has
/// /proc, /sys, /dev...). A directory with no mount below it clones. So the root is a tmpfs, and
/// each top-level directory of the host's root filesystem is an overlay of its own, its writes in
/// its own upper on the scratch tmpfs and discarded with it. A directory that is a mount point is
/// empty, as it is in rootful's `lowerdir=/` (only the root filesystem is in that image); one with
/// a mount point somewhere below is split the same way, one level down; links are made again,
/// files (rare at these levels) bound read-only; a directory the caller cannot list stays empty.
/// The root is the scratch tmpfs's own `upper` directory, bound (a new tmpfs there would hide its
/// writes from `diff` and `--keep-upper`, which reach only the scratch tmpfs), and each overlay's
/// layer directory records where it is mounted as a chain of empty directories below `path/`
/// (`host/1/path/etc`), which those read back (<see cref="LayerPath"/>). See docs/rootless.md.
/// </summary>
public static class HostRootSplit
{
    private const int MaxDepth = 8;

    /// <summary>The directory of a layer (`host/N/`) below which the chain of its mount point's names is made.</summary>
    public const string LayerPath = "path";

    /// <summary>The operations that build the host's root at <paramref name="root"/> (a new tmpfs).</summary>
    /// <param name="mountPoints">Every mount point of the host but "/" (from /proc/self/mountinfo).</param>
    /// <param name="entries">A directory's entries: name, kind and, for a link, its target.</param>
    public static IReadOnlyList<MountOp> Plan(string root, string rw, MountFlags flags, IReadOnlySet<string> mountPoints,
        Func<string, IEnumerable<HostEntry>> entries)
    {
        var ops = new List<MountOp> { new MountFs("none", $"{rw}/upper", root, false, MountFlags.Bind, null) };
        if (flags != MountFlags.None)
        {
            ops.Add(new MountFs("none", "none", root, false, MountFlags.Remount | MountFlags.Bind | flags, null));
        }
        int n = 0;
        Split("/", 0);
        return ops;

        void Split(string dir, int depth)
        {
            List<HostEntry> list;
            try
            {
                list = entries(dir).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                return; // a directory the user cannot list (another user's, with mounts below): empty inside
            }
            foreach (var e in list)
            {
                string path = dir == "/" ? "/" + e.Name : $"{dir}/{e.Name}";
                string target = root + path;
                switch (e.Kind)
                {
                    case HostEntryKind.Link:
                        ops.Add(new MakeSymlink(path, e.LinkTarget!));
                        break;
                    case HostEntryKind.File:
                        ops.Add(new BindMount(path, path, ReadOnly: true, NoDev: true));
                        break;
                    case HostEntryKind.Directory when mountPoints.Contains(path):
                        ops.Add(new MakeDir(target, false));
                        break;
                    case HostEntryKind.Directory when depth < MaxDepth && mountPoints.Any(m => m.StartsWith(path + "/", StringComparison.Ordinal)):
                        ops.Add(new MakeDir(target, false));
                        Split(path, depth + 1);
                        break;
                    case HostEntryKind.Directory when SpecValidator.CheckOverlayPath("host directory", path).Any():
                        ops.Add(new BindMount(path, path, ReadOnly: true, NoDev: true)); // a name an overlay option cannot carry
                        break;
                    case HostEntryKind.Directory:
                        string layer = $"{rw}/host/{n++}";
                        ops.Add(new MakeDir($"{layer}/upper", false));
                        ops.Add(new MakeDir($"{layer}/work", false));
                        ops.Add(new MakeDir($"{layer}/{LayerPath}{path}", false));
                        ops.Add(new MakeDir(target, false));
                        ops.Add(new MountFs("overlay", "overlay", target, false, flags, MountPlanner.OverlayData([path], $"{layer}/upper", $"{layer}/work")));
                        break;
                }
            }
        }
    }

    /// <summary>Mount points from mountinfo text (field 5, with the kernel's octal escapes undone), "/" left out.</summary>
    public static IReadOnlySet<string> MountPoints(string mountInfo)
        => mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).Where(f => f.Length > 4).Select(f => Unescape(f[4])).Where(p => p != "/")
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The host's entries of a directory, without following links.</summary>
    public static IEnumerable<HostEntry> HostEntries(string dir)
    {
        foreach (var info in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            yield return info.LinkTarget is { } link ? new HostEntry(info.Name, HostEntryKind.Link, link)
                : info is DirectoryInfo ? new HostEntry(info.Name, HostEntryKind.Directory, null)
                : (info.Attributes & FileAttributes.Device) == 0 ? new HostEntry(info.Name, HostEntryKind.File, null)
                : new HostEntry(info.Name, HostEntryKind.Other, null);
        }
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\'))
        {
            return s;
        }
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && s.Substring(i + 1, 3).All(c => c is >= '0' and <= '7'))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(s[i]);
            }
        }
        return sb.ToString();
    }
}

public enum HostEntryKind
{
    Directory,
    File,
    Link,
    Other,
}

public sealed record HostEntry(string Name, HostEntryKind Kind, string? LinkTarget);
