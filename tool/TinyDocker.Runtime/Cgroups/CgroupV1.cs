using System.Globalization;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Cgroups;

/// <summary>cgroup v1: one directory per controller (memory, pids, cpu), each under <c>tinydocker/NAME</c>.</summary>
internal sealed class CgroupV1 : ICgroup
{
    public static readonly string[] Controllers = ["memory", "pids", "cpu"];
    private readonly Dictionary<string, string> _dirs;

    public CgroupV1(string mountRoot, string group, ResourceLimits limits)
    {
        _dirs = Controllers
            .Where(c => Directory.Exists(Path.Combine(mountRoot, c)))
            .ToDictionary(c => c, c => Path.Combine(mountRoot, c, Cgroup.ParentName, group));
        foreach (var dir in _dirs.Values)
        {
            Directory.CreateDirectory(dir);
        }
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

    private void Apply(ResourceLimits limits)
    {
        if (limits.MemoryBytes is { } memory)
        {
            CgroupFiles.Write(Dir("memory"), "memory.limit_in_bytes", memory.ToString(CultureInfo.InvariantCulture));
        }
        if (limits.MemorySwapBytes is { } swap && File.Exists(Path.Combine(Dir("memory"), "memory.memsw.limit_in_bytes")))
        {
            CgroupFiles.Write(Dir("memory"), "memory.memsw.limit_in_bytes", swap.ToString(CultureInfo.InvariantCulture));
        }
        if (limits.PidsLimit is { } pids)
        {
            CgroupFiles.Write(Dir("pids"), "pids.max", pids.ToString(CultureInfo.InvariantCulture));
        }
        if (limits.Cpus is { } cpus)
        {
            CgroupFiles.Write(Dir("cpu"), "cpu.cfs_period_us", Cgroup.CpuPeriodMicros.ToString(CultureInfo.InvariantCulture));
            CgroupFiles.Write(Dir("cpu"), "cpu.cfs_quota_us", Cgroup.CpuQuotaMicros(cpus).ToString(CultureInfo.InvariantCulture));
        }
    }

    private string Dir(string controller)
        => _dirs.TryGetValue(controller, out var dir)
            ? dir
            : throw new TinyDockerException($"the cgroup v1 `{controller}` controller is not mounted");

    public void Add(int pid)
    {
        foreach (var dir in _dirs.Values)
        {
            CgroupFiles.Write(dir, "cgroup.procs", pid.ToString(CultureInfo.InvariantCulture));
        }
    }

    public bool OomKilled()
        => _dirs.TryGetValue("memory", out var dir) && CgroupFiles.ReadKey(dir, "memory.oom_control", "oom_kill") > 0;

    public long? PeakMemoryBytes()
        => _dirs.TryGetValue("memory", out var dir) ? CgroupFiles.ReadNumber(dir, "memory.max_usage_in_bytes") : null;

    public void Dispose()
    {
        foreach (var dir in _dirs.Values)
        {
            CgroupFiles.Remove(dir);
        }
    }
}
