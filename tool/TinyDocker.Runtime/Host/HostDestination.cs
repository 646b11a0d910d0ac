// Runs in: the host tool (the supervisor), before it writes results out of a container.
using System.Text;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// Where on the host a copy out of a container lands, as a directory descriptor and a name.
/// The user's own path is followed as they wrote it up to an anchor: the destination's parent,
/// or, when the destination lies inside a directory a container may have written (another
/// destination of the run, a read-write volume), that outer directory. Every component below the
/// anchor may have been written by a container (this run or an earlier one), so it is resolved
/// beneath the anchor's descriptor without following links: a symlink or file where a directory
/// must be is replaced by a directory.
/// </summary>
internal static class HostDestination
{
    /// <summary>The mode of the directories made to hold a destination (mkdir -p's, before the umask).</summary>
    public const uint ParentMode = 0x1ED;

    /// <summary>
    /// The host directories whose contents a container may have written: every copy-out
    /// destination and the keep-upper directory (an earlier run's results), and every read-write
    /// volume (written by the container itself). A destination inside one is resolved beneath it.
    /// </summary>
    public static IReadOnlyList<string> ContainerWritten(ContainerSpec spec)
    {
        var dirs = spec.CopyOut.Select(c => c.HostPath).ToList();
        if (spec.KeepUpperDir is { } keep)
        {
            dirs.Add(keep);
        }
        foreach (var v in spec.Volumes.Where(v => !v.ReadOnly))
        {
            dirs.Add(v.Source);
            dirs.Add(Sys.RealPath(v.Source));
        }
        return dirs;
    }

    /// <summary>The directory the last component of <paramref name="hostPath"/> is written in, and that component.</summary>
    public static (FileDescriptor Dir, byte[] Name) Open(string hostPath, IEnumerable<string> containerWritten)
    {
        string path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostPath));
        string anchor = containerWritten
            .Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)))
            .Where(d => d != path && path.StartsWith(d + "/", StringComparison.Ordinal))
            .OrderBy(d => d.Length)
            .FirstOrDefault() ?? Path.GetDirectoryName(path) ?? "/";
        Directory.CreateDirectory(anchor);
        var dir = Sys.OpenPath(anchor, O_RDONLY | O_DIRECTORY);
        var parts = path[anchor.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        string shown = anchor;
        foreach (var part in parts.SkipLast(1))
        {
            shown = $"{shown.TrimEnd('/')}/{part}";
            var next = SafeTreeWriter.OpenOrMakeDirectory(dir, Encoding.UTF8.GetBytes(part), shown, ParentMode);
            dir.Dispose();
            dir = next;
        }
        return (dir, Encoding.UTF8.GetBytes(parts.Length == 0 ? "." : parts[^1]));
    }

    /// <summary>The directory <paramref name="name"/> beneath <paramref name="dir"/> when it is one (not a link to one), else null.</summary>
    public static FileDescriptor? ExistingDirectory(FileDescriptor dir, byte[] name)
    {
        int fd = Sys.TryOpenat2(dir.Value, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
            Sys.ResolveBeneath | Sys.ResolveNoSymlinks | Sys.ResolveNoMagicLinks);
        return fd >= 0 ? new FileDescriptor(fd) : null;
    }
}
