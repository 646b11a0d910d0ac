// Runs in: the host tool, before a rootless `--network container:NAME` container's first step.
using System.Globalization;

namespace TinyDocker.Runtime.Rootless;

/// <summary>
/// A rootless container that joins another's network joins its user namespace too: the kernel lets
/// a process join a network namespace only with CAP_SYS_ADMIN in the user namespace that owns it,
/// and a process of a new (sibling) user namespace has no capability in the other one. So the
/// joiner lives in NAME's user namespace, as podman's pods share one. Its ids are then NAME's, and
/// everything the spec was checked against (root inside, the 1..N range) must be what the joiner
/// would have made itself: the same user, the same /etc/subuid and /etc/subgid ranges.
/// </summary>
internal static class SharedUserNamespace
{
    /// <summary>Throws, one line, unless process <paramref name="pid"/>'s user namespace has exactly <paramref name="map"/>'s ids.</summary>
    public static void Check(IdMap map, int pid, string name)
    {
        string uids, gids;
        try
        {
            uids = File.ReadAllText($"/proc/{pid}/uid_map");
            gids = File.ReadAllText($"/proc/{pid}/gid_map");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TinyDockerException($"no running container named `{name}`");
        }
        if (Problem(map, uids, gids) is { } problem)
        {
            throw new TinyDockerException($"cannot join container `{name}`'s network rootless: {problem}");
        }
    }

    /// <summary>Why a user namespace with these uid_map and gid_map texts (as this process reads them) cannot be shared; null when it can.</summary>
    public static string? Problem(IdMap map, string uidMap, string gidMap)
    {
        var uids = Parse(uidMap);
        if (uids is [(0, 0, uint.MaxValue)])
        {
            return "it is not rootless (it has the host's ids; run both as root, or both as this user)";
        }
        return Same(uids, Expected(map.Uid, map.Users)) && Same(Parse(gidMap), Expected(map.Gid, map.Groups))
            ? null
            : $"its user namespace maps other ids (uid_map `{Flat(uidMap)}`) than this user's would "
              + $"(`{string.Join(", ", Expected(map.Uid, map.Users).Select(e => $"{e.Inside} {e.Outside} {e.Count}"))}`): "
              + "it must be a container of the same user with the same /etc/subuid and /etc/subgid ranges";
    }

    private static List<(uint Inside, uint Outside, uint Count)> Expected(uint id, SubordinateRange? range)
        => range is { } r ? [(0, id, 1), (1, r.Start, r.Count)] : [(0, id, 1)];

    private static List<(uint Inside, uint Outside, uint Count)> Parse(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => f.Length == 3 && uint.TryParse(f[0], CultureInfo.InvariantCulture, out uint i)
                && uint.TryParse(f[1], CultureInfo.InvariantCulture, out uint o) && uint.TryParse(f[2], CultureInfo.InvariantCulture, out uint c)
                ? (i, o, c) : (uint.MaxValue, uint.MaxValue, 0u))
            .ToList();

    private static bool Same(List<(uint, uint, uint)> a, List<(uint, uint, uint)> b)
        => a.Order().SequenceEqual(b.Order());

    private static string Flat(string text) => string.Join(", ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
}
