using System.Globalization;

namespace TinyDocker.Runtime.Spec;

/// <summary>
/// `-u USER[:GROUP]` as docker reads it: numbers are taken as they are, names are looked up in
/// the image's /etc/passwd and /etc/group; a uid without a group gets the user's primary group
/// from passwd, else gid 0. 4294967295 is no id: to setresuid and setresgid it means "leave this
/// one unchanged", so `-u 4294967295` would run as root.
/// </summary>
public static class UserLookup
{
    /// <summary>(uid_t)-1: the kernel's "unchanged", never a user or group.</summary>
    public const uint Unchanged = uint.MaxValue;

    public static UserIds Resolve(string text, IReadOnlyList<string> layers)
    {
        var parts = text.Split(':');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0))
        {
            throw new TinyDockerException($"invalid user `{text}`: expected UID[:GID] or NAME[:GROUP]");
        }
        var passwd = Entries(layers, "etc/passwd");
        (uint uid, uint? primaryGid) = uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint u)
            ? (u, passwd.FirstOrDefault(e => e.Length > 3 && e[2] == parts[0]) is { } byId ? ParseId(byId[3]) : null)
            : passwd.FirstOrDefault(e => e.Length > 3 && e[0] == parts[0]) is { } byName
                ? (ParseId(byName[2]) ?? throw Unknown("user", parts[0]), ParseId(byName[3]))
                : throw Unknown("user", parts[0]);
        if (parts.Length == 1)
        {
            return Checked(text, new UserIds(uid, primaryGid ?? 0));
        }
        uint gid = uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint g)
            ? g
            : Entries(layers, "etc/group").FirstOrDefault(e => e.Length > 2 && e[0] == parts[1]) is { } group
                ? ParseId(group[2]) ?? throw Unknown("group", parts[1])
                : throw Unknown("group", parts[1]);
        return Checked(text, new UserIds(uid, gid));
    }

    private static UserIds Checked(string text, UserIds ids)
        => ids.Uid == Unchanged || ids.Gid == Unchanged
            ? throw new TinyDockerException($"invalid user `{text}`: uid and gid must be below 4294967295 (to the kernel -1 means unchanged)")
            : ids;

    private static TinyDockerException Unknown(string what, string name)
        => new($"unknown {what} `{name}`: not a number and not in the image's /etc/{(what == "user" ? "passwd" : "group")}");

    private static uint? ParseId(string s) => uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out uint v) ? v : null;

    /// <summary>The colon-separated lines of the topmost layer's copy of <paramref name="file"/>.</summary>
    private static List<string[]> Entries(IReadOnlyList<string> layers, string file)
    {
        foreach (var layer in layers)
        {
            string path = Path.Combine(layer, file);
            if (File.Exists(path))
            {
                return File.ReadLines(path).Where(l => !l.StartsWith('#')).Select(l => l.Split(':')).ToList();
            }
        }
        return [];
    }
}
