// Runs in: the host tool, while the container's init holds its scratch tmpfs open; the upper
// layers are reached through /proc/INIT/fd/N (see InitProtocol).
using System.Text;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>A container's writes, as its overlay upper layers hold them: `diff` and `--keep-upper`.</summary>
public static class UpperLayer
{
    private const ulong Beneath = Sys.ResolveConfined;

    /// <summary>One changed path: A added, C changed, D deleted (as `docker diff`).</summary>
    public sealed record Change(char Kind, string Path);

    /// <summary>
    /// Copies the upper layers, whiteouts included, to <paramref name="destination"/> (root/ and
    /// shared/) with the one safe writer; false when something was not copied (each loss named).
    /// </summary>
    /// <remarks>
    /// A rootless container of the host's root has no one upper: its writes are gathered from the
    /// root and the per-directory overlays into root/ as one upper would hold them
    /// (<paramref name="split"/>, see <see cref="SplitRootChanges"/>).
    /// </remarks>
    public static bool Save(string scratch, string destination, IReadOnlyList<string> containerWritten, TextWriter stderr, bool split = false)
    {
        var problems = new CopyProblems(stderr, "keep-upper");
        try
        {
            var (uid, gid) = ResultCopier.InvokingUser();
            var writer = new SafeTreeWriter(uid, gid, keepWhiteouts: true, problems);
            using var layers = Sys.OpenPath(scratch, O_PATH | O_DIRECTORY);
            var (parent, name) = HostDestination.Open(destination, containerWritten);
            using (parent)
            using (var dir = SafeTreeWriter.OpenOrMakeDirectory(parent, name, destination, HostDestination.ParentMode))
            {
                foreach (var (upper, saved) in new[] { ("upper", "root"), ("shared-upper", "shared") })
                {
                    int fd = Sys.TryOpenat2(layers.Value, Encoding.ASCII.GetBytes(upper), O_PATH | O_NOFOLLOW | O_DIRECTORY,
                        Sys.ResolveBeneath | Sys.ResolveNoSymlinks);
                    if (fd < 0)
                    {
                        continue;
                    }
                    using var source = new FileDescriptor(fd);
                    if (split && upper == "upper")
                    {
                        using var root = SafeTreeWriter.OpenOrMakeDirectory(dir, Encoding.ASCII.GetBytes(saved), $"{destination}/{saved}", HostDestination.ParentMode);
                        SplitRootChanges.Visit(layers, new SplitRootSaver(writer, root, $"{destination}/{saved}"));
                    }
                    else
                    {
                        writer.Copy(source, dir, Encoding.ASCII.GetBytes(saved), $"{destination}/{saved}");
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TinyDockerException)
        {
            problems.Add(destination, e.Message);
        }
        problems.Finish();
        return !problems.Any;
    }

    /// <summary>The paths a running container has added, changed or deleted, sorted.</summary>
    public static IReadOnlyList<Change> Diff(string scratch, ContainerSpec spec)
    {
        var changes = new List<Change>();
        using var layers = Sys.OpenPath(scratch, O_PATH | O_DIRECTORY);
        if (IsSplit(spec))
        {
            SplitRootChanges.Visit(layers, new SplitRootDiff(changes));
            // A directory of the split root holding a change is changed, as its copy up in one upper would show it.
            var listed = changes.Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var path in listed.ToList())
            {
                for (int slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
                {
                    if (listed.Add(path[..slash]))
                    {
                        changes.Add(new Change('C', path[..slash]));
                    }
                }
            }
        }
        else
        {
            using var upper = OpenLayer(layers, "upper");
            if (upper is not null)
            {
                Walk(upper, "/", p => spec.Layers.Any(layer => Path.Exists(Join(layer, p))), changes);
            }
        }
        using var sharedUpper = OpenLayer(layers, "shared-upper");
        if (spec.SharedDir is { } shared && shared != "/" && sharedUpper is not null)
        {
            changes.RemoveAll(c => c.Path == shared || c.Path.StartsWith(shared + "/", StringComparison.Ordinal));
            Walk(sharedUpper, shared, p => Path.Exists(p), changes);
        }
        // Mount points the container's setup made (and directories made to hold them) are not the command's changes.
        var mountPoints = MountPlanner.Plan(spec).Select(op => op switch
        {
            MountFs { InRoot: true } m => m.Target,
            BindMount b => b.Target,
            _ => null,
        }).OfType<string>().ToHashSet();
        bool madeForMount(Change c) => mountPoints.Contains(c.Path)
            || (c.Kind == 'A' && mountPoints.Any(m => m.StartsWith(c.Path + "/", StringComparison.Ordinal)));
        return changes.Where(c => !madeForMount(c)).OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether the container's root is the host's, split into one overlay per directory (rootless).</summary>
    public static bool IsSplit(ContainerSpec spec) => spec.Rootless && spec.HostRootImage;

    private static FileDescriptor? OpenLayer(FileDescriptor layers, string name)
    {
        int fd = Sys.TryOpenat2(layers.Value, Encoding.ASCII.GetBytes(name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW, Beneath);
        return fd >= 0 ? new FileDescriptor(fd) : null;
    }

    /// <summary>Walks an upper layer by descriptor, never following a link the container made (names shown lossily).</summary>
    internal static void Walk(FileDescriptor dir, string containerDir, Func<string, bool> inLower, List<Change> changes)
    {
        foreach (var name in Sys.ReadDirectory(dir, containerDir))
        {
            string path = (containerDir == "/" ? "/" : containerDir + "/") + CopyProblems.Show(name);
            int fd = Sys.TryOpenat2(dir.Value, name, O_PATH | O_NOFOLLOW, Beneath);
            if (fd < 0)
            {
                continue; // removed while we looked
            }
            using var entry = new FileDescriptor(fd);
            var (mode, rdev, _) = Sys.Fstat(entry, path);
            if ((mode & Sys.S_IFMT) == Sys.S_IFCHR && rdev == 0)
            {
                changes.Add(new Change('D', path)); // an overlay whiteout
                continue;
            }
            bool existed = inLower(path);
            changes.Add(new Change(existed ? 'C' : 'A', path));
            if ((mode & Sys.S_IFMT) == Sys.S_IFDIR)
            {
                using var sub = Sys.Reopen(entry, O_RDONLY | O_DIRECTORY, path);
                Walk(sub, path, existed ? inLower : _ => false, changes);
            }
        }
    }

    private static string Join(string layer, string path) => layer == "/" ? path : layer.TrimEnd('/') + path;
}
