namespace TinyDocker.Runtime.Security;

/// <summary>Linux capability names and numbers, docker's default set, and --cap-add/--cap-drop.</summary>
public static class Capabilities
{
    /// <summary>By number (linux/capability.h), without the CAP_ prefix.</summary>
    public static readonly string[] Names =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ];

    /// <summary>docker's default set: enough for package managers, servers on low ports and file ownership.</summary>
    public static readonly string[] Default =
    [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP",
        "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ];

    /// <summary>"cap_sys_admin", "SYS_ADMIN" or "CAP_SYS_ADMIN" as "SYS_ADMIN"; "ALL" stays "ALL"; null when unknown.</summary>
    public static string? Normalize(string name)
    {
        string upper = name.Trim().ToUpperInvariant();
        string bare = upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper[4..] : upper;
        return bare == "ALL" || Names.Contains(bare) ? bare : null;
    }

    /// <summary>
    /// The default set with --cap-drop and --cap-add applied as docker does: "--cap-add ALL" is every
    /// capability but the dropped ones; otherwise an added capability wins over a dropped one, and
    /// "--cap-drop ALL" starts from none. Unknown names throw (exit 125).
    /// </summary>
    public static string[] Resolve(IEnumerable<string> add, IEnumerable<string> drop)
    {
        var adds = NormalizeAll(add, "--cap-add");
        var drops = NormalizeAll(drop, "--cap-drop");
        var set = adds.Contains("ALL")
            ? new HashSet<string>(Names.Except(drops))
            : new HashSet<string>(drops.Contains("ALL") ? adds : Default.Except(drops).Concat(adds));
        return Names.Where(set.Contains).ToArray();
    }

    /// <summary>The bit mask of a set of names (bit N for capability N).</summary>
    public static ulong Mask(IEnumerable<string> names)
        => names.Aggregate(0UL, (mask, n) => mask | (1UL << Array.IndexOf(Names, n)));

    private static List<string> NormalizeAll(IEnumerable<string> names, string option)
    {
        var result = new List<string>();
        foreach (var name in names)
        {
            result.Add(Normalize(name) ?? throw new TinyDockerException(
                $"unknown capability `{name}` in {option}: expected a name such as NET_ADMIN or CAP_NET_ADMIN, or ALL"));
        }
        return result;
    }
}
