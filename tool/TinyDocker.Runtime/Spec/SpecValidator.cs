using System.Text.RegularExpressions;

namespace TinyDocker.Runtime.Spec;

/// <summary>
/// Named checks run on the host before the first syscall; every problem is reported at once.
/// </summary>
public static partial class SpecValidator
{
    public const string NamePattern = "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}";

    [GeneratedRegex("^" + NamePattern + "$")]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$")]
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
        ("copy-out", s => s.CopyOut.Where(c => !c.ContainerPath.StartsWith('/') || c.HostPath.Length == 0)
            .Select(c => $"invalid copy-out `{c.ContainerPath}:{c.HostPath}`: expected /CONTAINER/PATH:HOST_PATH")),
        ("network", s => s.Network is NetworkModes.None or NetworkModes.Host ? [] : [$"unknown network mode `{s.Network}`: use none or host"]),
        ("limits", CheckLimits),
        ("timeout", s => s.Timeout is { } t && t <= TimeSpan.Zero ? ["the timeout must be positive"] : []),
        ("capabilities", s => s.Capabilities.Where(c => !Security.Capabilities.Names.Contains(c)).Select(c => $"unknown capability `{c}`")),
        ("seccomp", s => s.Seccomp is SeccompModes.Default or SeccompModes.Unconfined ? [] : [$"unknown seccomp mode `{s.Seccomp}`: use default or unconfined"]),
        ("stop-timeout", s => s.StopTimeout < TimeSpan.Zero ? ["the stop timeout must not be negative"] : []),
    ];

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

    [GeneratedRegex(@"^[A-Za-z0-9_=.,]*$")]
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
            }
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
        if (l.Cpus is { } cpus && (cpus <= 0 || cpus > Environment.ProcessorCount))
        {
            yield return $"--cpus must be above 0 and at most {Environment.ProcessorCount} (the cores of this machine)";
        }
    }

    private static IEnumerable<string> CheckEnv(ContainerSpec s)
    {
        foreach (var e in s.Env)
        {
            int eq = e.IndexOf('=');
            if (eq <= 0 || e.Contains('\0'))
            {
                yield return $"invalid environment entry `{e}`: expected KEY=VALUE";
            }
        }
    }
}
