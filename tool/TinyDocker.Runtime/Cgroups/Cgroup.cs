using System.Security.Cryptography;
using System.Text;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Cgroups;

/// <summary>Chooses the backend for this machine's cgroup layout and names a container's cgroup.</summary>
internal static class Cgroup
{
    public const string MountRoot = "/sys/fs/cgroup";
    public const string ParentName = "tinydocker";
    public const long CpuPeriodMicros = 100_000;

    public static long CpuQuotaMicros(double cpus) => (long)Math.Round(cpus * CpuPeriodMicros);

    /// <summary>True when <paramref name="mountRoot"/> is a cgroup2 (unified) mount rather than v1's tmpfs of controllers.</summary>
    public static bool IsUnified(string mountRoot) => File.Exists(Path.Combine(mountRoot, "cgroup.controllers"));

    /// <summary>
    /// The cgroup's name: the container's, after a short hash of the state root, so that two
    /// state roots may each have a container of the same name at once.
    /// </summary>
    public static string GroupName(ContainerSpec spec)
        => $"{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(spec.StateRoot)))[..8].ToLowerInvariant()}-{spec.Name}";

    /// <summary>A cgroup for the container when it has limits or wants status figures; null otherwise.</summary>
    public static ICgroup? Create(ContainerSpec spec, string mountRoot = MountRoot)
    {
        // Rootless: only root may make cgroups here; the status figures come from the init's rusage.
        if (spec.Rootless || (!spec.Limits.Any && spec.JsonStatusPath is null))
        {
            return null;
        }
        string group = GroupName(spec);
        return IsUnified(mountRoot)
            ? new CgroupV2(mountRoot, group, spec.Limits)
            : new CgroupV1(mountRoot, group, spec.Limits);
    }

    /// <summary>Removes the cgroups a killed run of this spec's name left behind (they are empty: their processes died).</summary>
    public static void RemoveLeftovers(ContainerSpec spec, string mountRoot = MountRoot)
    {
        string group = GroupName(spec);
        var dirs = IsUnified(mountRoot)
            ? [Path.Combine(mountRoot, ParentName, group)]
            : CgroupV1.Controllers.Select(c => Path.Combine(mountRoot, c, ParentName, group));
        foreach (var dir in dirs)
        {
            CgroupFiles.Remove(dir);
        }
    }
}
