using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Tests;

/// <summary>The mount plan's hardening: masked and read-only /proc paths, nodev, bound devices, namespaced cgroups.</summary>
public sealed class HardeningPlanTests
{
    private static readonly ContainerSpec Spec = SpecValidatorTests.Valid() with
    {
        SharedDir = "/work/project",
        WorkingDir = "/work/project",
        Volumes = [new Volume("/host/data", "/data", false)],
    };

    private const string HybridMountInfo = """
        27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
        50 27 0:32 / /mnt/elsewhere rw,relatime - cgroup cgroup rw,memory
        """;

    private static readonly IReadOnlyList<CgroupHierarchy> Hybrid = CgroupHierarchies.FromMountInfo(HybridMountInfo);

    [Fact]
    public void Cgroup_hierarchies_are_read_from_mountinfo_with_only_the_options_that_select_them()
        => Assert.Equal(
            [
                new CgroupHierarchy("cpu,cpuacct", "cgroup", "cpu,cpuacct"),
                new CgroupHierarchy("memory", "cgroup", "memory"),
                new CgroupHierarchy("systemd", "cgroup", "name=systemd"),
                new CgroupHierarchy("unified", "cgroup2", ""),
            ],
            Hybrid);

    [Fact]
    public void A_pure_cgroup2_host_gets_one_read_only_cgroup2_mount()
    {
        var v2 = CgroupHierarchies.FromMountInfo("30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n");

        var mount = MountPlanner.Plan(Spec, v2).OfType<MountFs>().Single(m => m.Target == "/sys/fs/cgroup");
        Assert.Equal("cgroup2", mount.FsType);
        Assert.True(mount.Flags.HasFlag(MountFlags.ReadOnly));
        Assert.Null(mount.Data);
    }

    [Fact]
    public void V1_hierarchies_are_mounted_read_only_on_a_tmpfs_made_read_only_after_them()
    {
        var plan = MountPlanner.Plan(Spec, Hybrid).ToList();

        var cgroups = plan.OfType<MountFs>().Where(m => m.Target.StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["cpu,cpuacct", "memory", "systemd", "unified"], cgroups.Select(m => Path.GetFileName(m.Target)));
        Assert.All(cgroups, m => Assert.True(m.Flags.HasFlag(MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec)));
        int sys = plan.FindIndex(op => op is MountFs { Target: "/sys" });
        int tmpfs = plan.FindIndex(op => op is MountFs { Target: "/sys/fs/cgroup", FsType: "tmpfs" });
        int ro = plan.IndexOf(new ReadOnlyPath("/sys/fs/cgroup", BindFirst: false));
        Assert.True(sys < tmpfs && tmpfs < plan.IndexOf(cgroups[^1]) && plan.IndexOf(cgroups[^1]) < ro);
    }

    [Fact]
    public void Kernel_interfaces_in_proc_are_masked_or_read_only_after_proc_and_sys_are_mounted()
    {
        var plan = MountPlanner.Plan(Spec).ToList();

        var masked = plan.OfType<MaskPath>().Select(m => m.Path).ToList();
        Assert.Superset(new HashSet<string> { "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
            "/proc/latency_stats", "/proc/acpi", "/proc/scsi", "/sys/firmware" }, masked.ToHashSet());
        Assert.Equal(["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
            plan.OfType<ReadOnlyPath>().Where(r => r.BindFirst).Select(r => r.Path).Order(StringComparer.Ordinal));
        int lastFs = plan.FindLastIndex(op => op is MountFs { Target: "/proc" or "/sys" });
        Assert.All(plan.Where(op => op is MaskPath or ReadOnlyPath), op => Assert.True(plan.IndexOf(op) > lastFs));
        Assert.True(plan.IndexOf(plan.OfType<MaskPath>().Last()) < plan.Count - 1);
    }

    [Fact]
    public void Every_writable_filesystem_of_the_command_ignores_device_nodes()
    {
        var plan = MountPlanner.Plan(Spec);

        var mounts = plan.OfType<MountFs>().ToDictionary(m => m.Target);
        Assert.True(mounts["/run/tinydocker/c1/rw/root"].Flags.HasFlag(MountFlags.NoDev)); // the root overlay
        Assert.True(mounts["/work/project"].Flags.HasFlag(MountFlags.NoDev));               // the current directory
        Assert.True(mounts["/dev"].Flags.HasFlag(MountFlags.NoDev));
        Assert.True(mounts["/tmp"].Flags.HasFlag(MountFlags.NoDev));
        Assert.True(plan.OfType<BindMount>().Single().NoDev);                                  // volumes
        Assert.DoesNotContain(plan, op => op is MakeCharDevice);
        Assert.Contains(new BindDevice("/dev/null", "/dev/null"), plan);
    }

    [Fact]
    public void Privileged_keeps_device_nodes_usable_and_nothing_masked_but_the_same_namespaced_cgroups()
    {
        var plan = MountPlanner.Plan(Spec with { Privileged = true }, Hybrid);

        var mounts = plan.OfType<MountFs>().ToDictionary(m => m.Target);
        Assert.False(mounts["/run/tinydocker/c1/rw/root"].Flags.HasFlag(MountFlags.NoDev));
        Assert.False(mounts["/sys"].Flags.HasFlag(MountFlags.ReadOnly));
        Assert.False(mounts["/sys/fs/cgroup/memory"].Flags.HasFlag(MountFlags.ReadOnly));
        Assert.False(plan.OfType<BindMount>().Single().NoDev);
        // Only tinydocker's own state root stays masked (HiddenRoots): privilege is no reason to show other containers' secrets.
        Assert.DoesNotContain(plan, op => op is ReadOnlyPath or MaskPath { Path: not "/run/tinydocker" });
        Assert.True(mounts["/dev"].Flags.HasFlag(MountFlags.NoDev)); // /dev holds only the bound nodes either way
    }
}
