namespace TinyDocker.Runtime.Mounts;

/// <summary>
/// One cgroup hierarchy as the host mounts it under /sys/fs/cgroup: <c>Dir</c> is the
/// directory below it ("" for a cgroup2 mounted at /sys/fs/cgroup itself), <c>Options</c> the
/// controllers (or name=) that select the same hierarchy when mounted again.
/// </summary>
public sealed record CgroupHierarchy(string Dir, string FsType, string Options);

public static class CgroupHierarchies
{
    private const string Root = "/sys/fs/cgroup";

    // Options that do not select a hierarchy: a mount without them finds the same one.
    private static readonly string[] Ignored = ["rw", "ro", "xattr", "clone_children", "noprefix", "cpuset_v2_mode", "favordynmods"];

    /// <summary>The host's hierarchies, read from the text of /proc/self/mountinfo.</summary>
    public static IReadOnlyList<CgroupHierarchy> FromMountInfo(string mountInfo)
    {
        var result = new List<CgroupHierarchy>();
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash < 0 || f.Length < dash + 4 || f[dash + 1] is not ("cgroup" or "cgroup2"))
            {
                continue;
            }
            string mountPoint = f[4];
            string dir = mountPoint == Root ? "" : mountPoint.StartsWith(Root + "/", StringComparison.Ordinal) ? mountPoint[(Root.Length + 1)..] : "-";
            if (dir == "-" || dir.Contains('/') || result.Any(h => h.Dir == dir))
            {
                continue; // not directly under /sys/fs/cgroup, or mounted twice
            }
            string options = f[dash + 1] == "cgroup2"
                ? ""
                : string.Join(',', f[dash + 3].Split(',').Where(o => !Ignored.Contains(o) && !o.StartsWith("release_agent=", StringComparison.Ordinal)));
            result.Add(new CgroupHierarchy(dir, f[dash + 1], options));
        }
        return result;
    }
}
