// Runs in: the host tool, before a container's first step is started.
namespace TinyDocker.Runtime.Rootless;

/// <summary>
/// The ids of a rootless container's user namespace. The caller is always root inside; when
/// /etc/subuid and /etc/subgid give the caller a range and newuidmap/newgidmap are installed,
/// ids 1..N map onto that range (as podman does), so an image's other owners exist inside too.
/// Otherwise the single map `0 -> caller`, and every other id shows as nobody.
/// </summary>
public sealed record IdMap(uint Uid, uint Gid, SubordinateRange? Users, SubordinateRange? Groups)
{
    internal const string NewUidMap = "/usr/bin/newuidmap", NewGidMap = "/usr/bin/newgidmap";

    /// <summary>True when ids other than root exist inside the namespace.</summary>
    public bool IsFull => Users is not null && Groups is not null;

    /// <summary>The map for the calling user, from /etc/subuid and /etc/subgid.</summary>
    public static IdMap ForCaller()
    {
        uint uid = Interop.Sys.GetEffectiveUid(), gid = Interop.Sys.GetGid();
        string? name = UserName(uid);
        bool tools = File.Exists(NewUidMap) && File.Exists(NewGidMap);
        var users = tools ? SubordinateRange.Find("/etc/subuid", uid, name) : null;
        var groups = tools ? SubordinateRange.Find("/etc/subgid", uid, name) : null;
        return users is null || groups is null ? new IdMap(uid, gid, null, null) : new IdMap(uid, gid, users, groups);
    }

    /// <summary>The uid a host uid has inside the namespace; an unmapped one is nobody (65534), as the kernel shows it.</summary>
    public uint UidInside(uint host) => Inside(host, Uid, Users);

    /// <summary>The gid a host gid has inside the namespace; an unmapped one is nogroup (65534).</summary>
    public uint GidInside(uint host) => Inside(host, Gid, Groups);

    private static uint Inside(uint host, uint self, SubordinateRange? range)
        => host == self ? 0
            : range is { } r && host >= r.Start && host - r.Start < r.Count ? host - r.Start + 1
            : Overflow;

    private const uint Overflow = 65534;

    /// <summary>util-linux unshare's options for this map (it runs newuidmap/newgidmap itself for a range).</summary>
    public IEnumerable<string> UnshareOptions()
    {
        if (Users is { } u && Groups is { } g)
        {
            return ["--map-user=0", "--map-group=0", $"--map-users={u.Start},1,{u.Count}", $"--map-groups={g.Start},1,{g.Count}"];
        }
        return ["--map-root-user"];
    }

    private static string? UserName(uint uid)
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var f = line.Split(':');
                if (f.Length > 2 && f[2] == uid.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    return f[0];
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}

/// <summary>One line of /etc/subuid or /etc/subgid: ids Start..Start+Count-1 the user may map.</summary>
public sealed record SubordinateRange(uint Start, uint Count)
{
    /// <summary>Ids the inside gets besides root, at most: podman's 65536 (ids 1..65536).</summary>
    public const uint MaxCount = 65536;

    /// <summary>The first range of <paramref name="file"/> for the user (by name or by uid), or null.</summary>
    public static SubordinateRange? Find(string file, uint uid, string? name)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var f = line.Split(':');
                if (f.Length == 3 && (f[0] == name || f[0] == uid.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    && uint.TryParse(f[1], out uint start) && uint.TryParse(f[2], out uint count) && count > 0)
                {
                    return new SubordinateRange(start, Math.Min(count, MaxCount));
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
