using System.Text.RegularExpressions;

namespace TinyDocker.Runtime.Spec;

/// <summary>
/// Named checks run on the host before the first syscall; every problem is reported at once.
/// </summary>
public static partial class SpecValidator
{
    public const string NamePattern = "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}";

    [GeneratedRegex("^" + NamePattern + @"\z")]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})\z")]
    private static partial Regex HostnameRegex();

    private static readonly (string Name, Func<ContainerSpec, IEnumerable<string>> Check)[] Checks =
    [
        ("name", s => NameRegex().IsMatch(s.Name) ? [] : [$"invalid container name `{s.Name}`: it must match {NamePattern}"]),
        ("hostname", s => s.Hostname == s.Name || HostnameRegex().IsMatch(s.Hostname) ? [] : [$"invalid hostname `{s.Hostname}`"]),
        ("command", s => s.Command.Length > 0 && s.Command[0].Length > 0 ? [] : ["no command given"]),
        ("layers", CheckLayers),
        ("shared-dir", CheckSharedDir),
        ("env", CheckEnv),
        ("workdir", s => s.WorkingDir.StartsWith('/') ? [] : [$"working directory `{s.WorkingDir}` is not absolute"]),
        ("state-root", s => CheckOverlayPath("state root", s.StateRoot)),
        ("volumes", CheckVolumes),
        ("hidden-roots", s => Mounts.HiddenRoots.Problems(s, Interop.Sys.RealPath)),
        ("tmpfs", CheckTmpfs),
        ("copy-out", s => Each(s.CopyOut, c => !c.ContainerPath.StartsWith('/') || c.HostPath.Length == 0,
            c => $"invalid copy-out `{c.ContainerPath}:{c.HostPath}`: expected /CONTAINER/PATH:HOST_PATH")),
        ("network", s => s.Network is NetworkModes.None or NetworkModes.Host
            || (NetworkModes.JoinedContainer(s.Network) is { } other && IsValidName(other) && other != s.Name)
            ? [] : [$"unknown network mode `{s.Network}`: use none, host or container:NAME (another container)"]),
        ("detached", s => s.Detached && s.Tty ? ["-t needs a terminal to attach to: not with -d (use `exec -it NAME sh` once it runs)"]
            : s.LogMaxBytes < 4096 ? ["the log max-size must be at least 4k"] : []),
        ("limits", CheckLimits),
        ("rootless-limits", s => s.Rootless && s.Limits.Any ? [RootlessLimits] : []),
        ("rootless-user", CheckRootlessUser),
        ("timeout", s => s.Timeout is { } t && (t <= TimeSpan.Zero || t > Durations.Max)
            ? [$"the timeout must be above 0 and at most {Durations.Format(Durations.Max)}"] : []),
        ("capabilities", s => Each(s.Capabilities, c => !Security.Capabilities.Names.Contains(c), c => $"unknown capability `{c}`")),
        ("seccomp", s => s.Seccomp is SeccompModes.Default or SeccompModes.Unconfined ? [] : [$"unknown seccomp mode `{s.Seccomp}`: use default or unconfined"]),
        ("paths", CheckPathCharacters),
        ("stop-timeout", s => s.StopTimeout < TimeSpan.Zero || s.StopTimeout > Durations.Max
            ? [$"the stop timeout must be between 0 and {Durations.Format(Durations.Max)}"] : []),
        ("user", s => s.User is { } u && (u.Uid == UserLookup.Unchanged || u.Gid == UserLookup.Unchanged)
            ? ["uid and gid must be below 4294967295 (to the kernel -1 means unchanged)"] : []),
    ];

    /// <summary>Why a rootless run refuses --memory, --pids-limit and --cpus, and how to get them.</summary>
    public const string RootlessLimits = "--memory, --pids-limit and --cpus need a cgroup, which a rootless container does not get "
        + "(only root may create cgroups here; cgroup v2 delegation to a systemd user session is not used yet): run as root for limits";

    private static IEnumerable<string> CheckRootlessUser(ContainerSpec s)
    {
        if (s.UserNamespace is not { } map || s.User is not { } u || (u.Uid == 0 && u.Gid == 0))
        {
            return [];
        }
        if (!map.IsFull)
        {
            return [$"user {u.Uid}:{u.Gid} does not exist in this rootless container: without ranges for this user in /etc/subuid and /etc/subgid "
                + "(and newuidmap/newgidmap, Debian's uidmap package) only root is mapped; as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 USER"];
        }
        return u.Uid > map.Users!.Count || u.Gid > map.Groups!.Count
            ? [$"user {u.Uid}:{u.Gid} is outside this rootless container's ids (0 to {Math.Min(map.Users!.Count, map.Groups!.Count)}, from /etc/subuid and /etc/subgid)"]
            : [];
    }

    /// <summary>True for a container name as `run` takes it (no slash, no dot-dot, no trailing newline).</summary>
    public static bool IsValidName(string name) => NameRegex().IsMatch(name);

    /// <summary>Every problem with the spec; empty when it may be run.</summary>
    public static IReadOnlyList<string> Problems(ContainerSpec spec)
        => Checks.SelectMany(c => c.Check(spec)).ToList();

    /// <summary>Throws one exception naming every problem (exit 125) unless the spec is valid.</summary>
    public static void Validate(ContainerSpec spec)
    {
        var problems = Problems(spec);
        if (problems.Count > 0)
        {
            throw new TinyDockerException(string.Join("; ", problems), ExitCodes.TinyDockerError);
        }
    }

    /// <summary>
    /// A path that goes into an overlay option string must not contain the characters that
    /// separate options (`,`), layers (`:`), keys from values (`=`), or escape them (`\`).
    /// </summary>
    public static IEnumerable<string> CheckOverlayPath(string what, string path)
    {
        if (!path.StartsWith('/'))
        {
            yield return $"{what} `{path}` is not an absolute path";
        }
        char? bad = path.FirstOrDefault(c => c is ',' or ':' or '=' or '\\' || char.IsControl(c));
        if (bad is not null and not '\0')
        {
            yield return $"{what} `{path}` contains `{Printable(bad.Value)}`, which overlayfs cannot take in a path";
        }
    }

    private static string Printable(char c) => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString();

    private static IEnumerable<string> CheckLayers(ContainerSpec s)
    {
        if (s.Layers.Length == 0)
        {
            yield return "no image layers";
        }
        foreach (var layer in s.Layers)
        {
            foreach (var p in CheckOverlayPath("image", layer))
            {
                yield return p;
            }
            if (layer.StartsWith('/') && !Directory.Exists(layer))
            {
                yield return $"image `{layer}` is not a directory";
            }
        }
    }

    private static IEnumerable<string> CheckSharedDir(ContainerSpec s)
        => s.SharedDir is null
            ? []
            : CheckOverlayPath("current directory", s.SharedDir)
                .Concat(Directory.Exists(s.SharedDir) ? [] : [$"current directory `{s.SharedDir}` does not exist"]);

    [GeneratedRegex(@"^[A-Za-z0-9_=.,]*\z")]
    private static partial Regex TmpfsOptionsRegex();

    private static IEnumerable<string> CheckVolumes(ContainerSpec s)
    {
        foreach (var v in s.Volumes)
        {
            if (!Path.Exists(v.Source))
            {
                yield return $"volume source `{v.Source}` does not exist";
            }
            if (!v.Target.StartsWith('/') || v.Target.TrimEnd('/').Length == 0)
            {
                yield return $"volume target `{v.Target}` must be an absolute path other than /";
            }
        }
    }

    private static IEnumerable<string> CheckTmpfs(ContainerSpec s)
    {
        foreach (var t in s.Tmpfs)
        {
            if (!t.Target.StartsWith('/') || t.Target.TrimEnd('/').Length == 0)
            {
                yield return $"tmpfs target `{t.Target}` must be an absolute path other than /";
            }
            if (!TmpfsOptionsRegex().IsMatch(t.Options))
            {
                yield return $"invalid tmpfs options `{t.Options}`: expected such as size=64m,mode=1777";
                continue;
            }
            foreach (var problem in t.Options.Split(',').Select(TmpfsOptionProblem).OfType<string>())
            {
                yield return $"invalid tmpfs option for `{t.Target}`: {problem}";
            }
        }
    }

    /// <summary>
    /// The kernel parses tmpfs sizes with memparse, which wraps silently past 64 bits: sizes and
    /// the octal mode are checked here instead.
    /// </summary>
    private static string? TmpfsOptionProblem(string option)
    {
        int eq = option.IndexOf('=');
        string key = eq < 0 ? option : option[..eq], value = eq < 0 ? "" : option[(eq + 1)..];
        switch (key)
        {
            case "size" or "nr_blocks" or "nr_inodes":
                try
                {
                    return Sizes.Parse(value, $"tmpfs {key}") > 0 ? null : $"`{option}` must be above 0";
                }
                catch (TinyDockerException e)
                {
                    return e.Message;
                }
            case "mode":
                return value.Length is > 0 and <= 4 && value.All(c => c is >= '0' and <= '7') ? null : $"`{option}`: expected an octal mode such as 1777";
            default:
                return null;
        }
    }

    private static IEnumerable<string> CheckLimits(ContainerSpec s)
    {
        var l = s.Limits;
        if (l.MemoryBytes is < 6 * 1024 * 1024)
        {
            yield return "the memory limit must be at least 6m";
        }
        if (l.MemorySwapBytes is { } swap && (l.MemoryBytes is null || swap < l.MemoryBytes))
        {
            yield return "--memory-swap needs --memory and must be at least as large";
        }
        if (l.PidsLimit is < 1)
        {
            yield return "the pids limit must be at least 1";
        }
        if (l.Cpus is { } cpus && !(cpus > 0 && cpus <= Environment.ProcessorCount)) // NaN fails both
        {
            yield return $"--cpus must be above 0 and at most {Environment.ProcessorCount} (the cores of this machine)";
        }
    }

    private static IEnumerable<string> CheckEnv(ContainerSpec s)
    {
        foreach (var e in s.Env)
        {
            int eq = e.IndexOf('=');
            // A value may hold newlines (docker passes them); a key with one splits every `env` listing.
            if (eq <= 0 || e.Contains('\0') || e[..eq].Any(char.IsControl))
            {
                yield return $"invalid environment entry `{e}`: expected KEY=VALUE";
            }
        }
    }

    /// <summary>
    /// No path the spec names, in the container or on the host, may hold a control character: a
    /// newline in a mount target or a created directory splits mountinfo and `ls` lines, and no
    /// real path needs one.
    /// </summary>
    private static IEnumerable<string> CheckPathCharacters(ContainerSpec s)
    {
        var paths = new List<(string What, string? Path)>
        {
            ("working directory", s.WorkingDir), ("--keep-upper directory", s.KeepUpperDir), ("--json-status file", s.JsonStatusPath),
        };
        paths.AddRange(s.Volumes.SelectMany(v => new[] { ("volume source", (string?)v.Source), ("volume target", v.Target) }));
        paths.AddRange(s.Tmpfs.Select(t => ("tmpfs target", (string?)t.Target)));
        paths.AddRange(s.CopyOut.SelectMany(c => new[] { ("copy-out path", (string?)c.ContainerPath), ("copy-out destination", c.HostPath) }));
        return Each(paths, p => p.Path is not null && p.Path.Any(char.IsControl), p => $"{p.What} `{p.Path}` contains a control character");
    }

    /// <summary>
    /// One problem for each bad item. Not Where(...).Select(...): a Select over LINQ's own iterator is a
    /// generic virtual method that NativeAOT resolves at run time, and every run validates (bench/notes.md).
    /// </summary>
    private static IEnumerable<string> Each<T>(IEnumerable<T> items, Func<T, bool> bad, Func<T, string> problem)
    {
        foreach (var item in items)
        {
            if (bad(item))
            {
                yield return problem(item);
            }
        }
    }
}
