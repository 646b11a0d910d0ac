using System.Globalization;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Cgroups;

/// <summary>
/// cgroup v2: one directory <c>tinydocker/NAME</c> in the unified tree, with the memory, pids and
/// cpu controllers enabled down to it. Tested against a directory laid out like a cgroup2 mount
/// (these machines' unified hierarchy has no controllers); see docs/architecture.md.
/// </summary>
internal sealed class CgroupV2 : ICgroup
{
    private readonly string _dir;

    public CgroupV2(string mountRoot, string group, ResourceLimits limits)
    {
        string parent = Path.Combine(mountRoot, Cgroup.ParentName);
        Directory.CreateDirectory(parent);
        EnableControllers(mountRoot, limits);
        EnableControllers(parent, limits);
        _dir = Path.Combine(parent, group);
        Directory.CreateDirectory(_dir);
        try
        {
            Apply(limits);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static void EnableControllers(string dir, ResourceLimits limits)
    {
        var wanted = new List<string>();
        if (limits.MemoryBytes is not null || limits.MemorySwapBytes is not null)
        {
            wanted.Add("+memory");
        }
        if (limits.PidsLimit is not null)
        {
            wanted.Add("+pids");
        }
        if (limits.Cpus is not null)
        {
            wanted.Add("+cpu");
        }
        if (wanted.Count > 0)
        {
            CgroupFiles.Write(dir, "cgroup.subtree_control", string.Join(' ', wanted));
        }
    }

    private void Apply(ResourceLimits limits)
    {
        if (limits.MemoryBytes is { } memory)
        {
            CgroupFiles.Write(_dir, "memory.max", memory.ToString(CultureInfo.InvariantCulture));
        }
        if (limits.MemorySwapBytes is { } swap)
        {
            // docker's --memory-swap is memory plus swap; v2 limits the swap alone.
            long swapOnly = Math.Max(0, swap - (limits.MemoryBytes ?? 0));
            CgroupFiles.Write(_dir, "memory.swap.max", swapOnly.ToString(CultureInfo.InvariantCulture));
        }
        if (limits.PidsLimit is { } pids)
        {
            CgroupFiles.Write(_dir, "pids.max", pids.ToString(CultureInfo.InvariantCulture));
        }
        if (limits.Cpus is { } cpus)
        {
            CgroupFiles.Write(_dir, "cpu.max", string.Create(CultureInfo.InvariantCulture, $"{Cgroup.CpuQuotaMicros(cpus)} {Cgroup.CpuPeriodMicros}"));
        }
    }

    public void Add(int pid) => CgroupFiles.Write(_dir, "cgroup.procs", pid.ToString(CultureInfo.InvariantCulture));

    public bool OomKilled() => CgroupFiles.ReadKey(_dir, "memory.events", "oom_kill") > 0;

    public long? PeakMemoryBytes() => CgroupFiles.ReadNumber(_dir, "memory.peak");

    public void Dispose() => CgroupFiles.Remove(_dir);
}
