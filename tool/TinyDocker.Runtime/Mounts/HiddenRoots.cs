// Runs in: the host tool (validation) and the container's init before pivot_root (planning), both
// still in the host's view of the filesystem.
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Mounts;

/// <summary>
/// The host directories no container may see: the state root (every container's spec, with its
/// `-e` values) and the data root (the image store). Host files reach a container through the
/// image's layers (the host root itself, or a directory rootfs), the current directory's overlay
/// and volumes; wherever one of those contains a hidden root, the planner masks the place it
/// appears at, after every mount. A volume or current directory *inside* a hidden root is refused.
/// Paths are compared with every symlink resolved (<paramref name="canonical"/>), so `/var/run`
/// for `/run` changes nothing; a host bind mount of a hidden root elsewhere is not detected.
/// </summary>
public static class HiddenRoots
{
    /// <summary>
    /// The hidden roots with their symlinks resolved, each once. A loop: LINQ's Select over another
    /// LINQ iterator is a generic virtual method, resolved at run time under NativeAOT in every
    /// process (measured in bench/notes.md); the tool and the init each plan once per run.
    /// </summary>
    private static List<string> Canonical(ContainerSpec spec, Func<string, string> canonical)
    {
        var roots = new List<string>(2);
        foreach (var root in new[] { spec.StateRoot, spec.DataRoot })
        {
            if (root is not null && canonical(root) is var resolved && !roots.Contains(resolved))
            {
                roots.Add(resolved);
            }
        }
        return roots;
    }

    /// <summary>Where inside the container each hidden root would show, to be masked.</summary>
    public static IEnumerable<string> MaskTargets(ContainerSpec spec, Func<string, string> canonical)
    {
        var roots = Canonical(spec, canonical);
        foreach (var (source, target) in Exposures(spec, includeLayers: true))
        {
            string s = canonical(source);
            foreach (var root in roots)
            {
                if (!Within(root, s))
                {
                    continue;
                }
                string rest = s == "/" ? root : root[s.Length..];
                yield return target == "/" ? rest : target.TrimEnd('/') + rest;
            }
        }
    }

    /// <summary>A volume or current directory inside a hidden root, one problem each.</summary>
    public static IEnumerable<string> Problems(ContainerSpec spec, Func<string, string> canonical)
    {
        var roots = Canonical(spec, canonical);
        foreach (var (source, _) in Exposures(spec, includeLayers: false))
        {
            if (roots.Find(r => Within(canonical(source), r)) is { } root)
            {
                yield return source == spec.SharedDir
                    ? $"the current directory `{source}` is inside tinydocker's own `{root}`: run from another directory"
                    : $"volume `{source}` is inside tinydocker's own `{root}`: its containers' state and images are never shared";
            }
        }
    }

    private static IEnumerable<(string Source, string Target)> Exposures(ContainerSpec spec, bool includeLayers)
    {
        if (includeLayers)
        {
            // A stored image's layers live in the data root, and show only themselves: just a layer
            // that contains a hidden root (the host root as the image, a rootfs at /var) exposes one.
            foreach (var layer in spec.Layers)
            {
                yield return (layer, "/");
            }
        }
        if (spec.SharedDir is { } shared)
        {
            yield return (shared, shared);
        }
        foreach (var v in spec.Volumes)
        {
            yield return (v.Source, v.Target);
        }
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="dir"/> or below it.</summary>
    private static bool Within(string path, string dir)
        => path == dir || dir == "/" || path.StartsWith(dir.TrimEnd('/') + "/", StringComparison.Ordinal);
}
