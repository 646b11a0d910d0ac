using TinyDocker.Runtime.Cgroups;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Tests;

/// <summary>
/// The cgroup v2 backend against a directory laid out like a cgroup2 mount: these machines'
/// unified hierarchy has no controllers, so v2 limits cannot be exercised on a real kernel here.
/// </summary>
public sealed class CgroupV2LayoutTests : IDisposable
{
    private readonly string _mount = Directory.CreateTempSubdirectory("tinydocker-cgroup2-").FullName;

    public CgroupV2LayoutTests()
    {
        File.WriteAllText(Path.Combine(_mount, "cgroup.controllers"), "cpuset cpu io memory pids\n");
        File.WriteAllText(Path.Combine(_mount, "cgroup.subtree_control"), "");
    }

    [Fact]
    public void Limits_are_written_where_cgroup2_reads_them_and_the_group_is_removed()
    {
        var spec = SpecValidatorTests.Valid() with
        {
            Limits = new ResourceLimits { MemoryBytes = 64L << 20, MemorySwapBytes = 96L << 20, PidsLimit = 50, Cpus = 1.5 },
        };
        Assert.True(Cgroup.IsUnified(_mount));

        string dir;
        using (var cgroup = Cgroup.Create(spec, _mount)!)
        {
            Assert.IsType<CgroupV2>(cgroup);
            dir = Path.Combine(_mount, "tinydocker", Cgroup.GroupName(spec));
            Assert.Equal("67108864", File.ReadAllText(Path.Combine(dir, "memory.max")));
            Assert.Equal("33554432", File.ReadAllText(Path.Combine(dir, "memory.swap.max")));
            Assert.Equal("50", File.ReadAllText(Path.Combine(dir, "pids.max")));
            Assert.Equal("150000 100000", File.ReadAllText(Path.Combine(dir, "cpu.max")));
            Assert.Equal("+memory +pids +cpu", File.ReadAllText(Path.Combine(_mount, "tinydocker", "cgroup.subtree_control")));

            cgroup.Add(4242);
            Assert.Equal("4242", File.ReadAllText(Path.Combine(dir, "cgroup.procs")));
            File.WriteAllText(Path.Combine(dir, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
            Assert.True(cgroup.OomKilled());
            File.WriteAllText(Path.Combine(dir, "memory.peak"), "123456\n");
            Assert.Equal(123456, cgroup.PeakMemoryBytes());
            // A real cgroup2 directory holds only kernel files, which rmdir ignores; these are ours.
            foreach (var f in Directory.GetFiles(dir))
            {
                File.Delete(f);
            }
        }

        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void No_limits_and_no_status_means_no_cgroup()
        => Assert.Null(Cgroup.Create(SpecValidatorTests.Valid(), _mount));

    [Fact]
    public void Two_state_roots_get_distinct_groups_for_one_name()
        => Assert.NotEqual(
            Cgroup.GroupName(SpecValidatorTests.Valid()),
            Cgroup.GroupName(SpecValidatorTests.Valid() with { StateRoot = "/run/other" }));

    public void Dispose() => Directory.Delete(_mount, recursive: true);
}
