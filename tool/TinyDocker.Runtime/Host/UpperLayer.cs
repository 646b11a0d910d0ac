// Runs in: the host tool, while the container's init holds its scratch tmpfs open; the upper
// layers are reached through /proc/INIT/fd/N (see InitProtocol).
using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Host;

/// <summary>A container's writes, as its overlay upper layers hold them: `diff` and `--keep-upper`.</summary>
public static class UpperLayer
{
    /// <summary>One changed path: A added, C changed, D deleted (as `docker diff`).</summary>
    public sealed record Change(char Kind, string Path);

    /// <summary>Copies the upper layers, whiteouts included, to <paramref name="destination"/> (root/ and shared/).</summary>
    public static void Save(string scratch, string destination, TextWriter stderr)
    {
        try
        {
            var (uid, gid) = ResultCopier.InvokingUser();
            Directory.CreateDirectory(destination);
            FileTree.Copy(Path.Combine(scratch, "upper"), Path.Combine(destination, "root"), uid, gid, keepWhiteouts: true);
            if (Directory.Exists(Path.Combine(scratch, "shared-upper")))
            {
                FileTree.Copy(Path.Combine(scratch, "shared-upper"), Path.Combine(destination, "shared"), uid, gid, keepWhiteouts: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TinyDockerException)
        {
            stderr.WriteLine($"tinydocker: keep-upper to `{destination}`: {e.Message}");
        }
    }

    /// <summary>The paths a running container has added, changed or deleted, sorted.</summary>
    public static IReadOnlyList<Change> Diff(string scratch, ContainerSpec spec)
    {
        var changes = new List<Change>();
        Walk(Path.Combine(scratch, "upper"), "/", p => spec.Layers.Any(layer => Path.Exists(Join(layer, p))), changes);
        if (spec.SharedDir is { } shared && shared != "/" && Directory.Exists(Path.Combine(scratch, "shared-upper")))
        {
            changes.RemoveAll(c => c.Path == shared || c.Path.StartsWith(shared + "/", StringComparison.Ordinal));
            Walk(Path.Combine(scratch, "shared-upper"), shared, p => Path.Exists(p), changes);
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

    private static void Walk(string upperDir, string containerDir, Func<string, bool> inLower, List<Change> changes)
    {
        foreach (var entry in new DirectoryInfo(upperDir).EnumerateFileSystemInfos())
        {
            string path = containerDir == "/" ? "/" + entry.Name : $"{containerDir}/{entry.Name}";
            if (FileTree.IsWhiteout(entry.FullName))
            {
                changes.Add(new Change('D', path));
                continue;
            }
            bool existed = inLower(path);
            changes.Add(new Change(existed ? 'C' : 'A', path));
            if (entry is DirectoryInfo && entry.LinkTarget is null)
            {
                Walk(entry.FullName, path, existed ? inLower : _ => false, changes);
            }
        }
    }

    private static string Join(string layer, string path) => layer == "/" ? path : layer.TrimEnd('/') + path;
}
