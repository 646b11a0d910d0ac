using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Tests;

public sealed class MountPlannerTests
{
    private static readonly ContainerSpec Spec = SpecValidatorTests.Valid() with { SharedDir = "/work/project", WorkingDir = "/work/project" };

    [Fact]
    public void The_root_is_made_private_before_any_mount()
    {
        var plan = MountPlanner.Plan(Spec);

        Assert.Equal(new MakePrivate("/"), plan[0]);
        Assert.True(plan.Take(1).All(op => op is not MountFs));
    }

    [Fact]
    public void The_overlay_sits_on_a_tmpfs_mounted_inside_the_namespace()
    {
        var plan = MountPlanner.Plan(Spec);

        var mounts = plan.OfType<MountFs>().ToList();
        Assert.Equal("tmpfs", mounts[0].FsType);
        Assert.Equal("/run/tinydocker/c1/rw", mounts[0].Target);
        Assert.Equal("overlay", mounts[1].FsType);
        Assert.Equal("lowerdir=/,upperdir=/run/tinydocker/c1/rw/upper,workdir=/run/tinydocker/c1/rw/work", mounts[1].Data);
        Assert.Equal("/run/tinydocker/c1/rw/root", mounts[1].Target);
    }

    [Fact]
    public void Layers_stack_newest_first()
        => Assert.Equal("lowerdir=/l3:/l2:/l1,upperdir=/u,workdir=/w", MountPlanner.OverlayData(["/l3", "/l2", "/l1"], "/u", "/w"));

    [Fact]
    public void Proc_dev_sys_and_tmp_are_fresh_and_the_pivot_is_last()
    {
        var plan = MountPlanner.Plan(Spec);

        var inRoot = plan.OfType<MountFs>().Where(m => m.InRoot).ToDictionary(m => m.Target, m => m.FsType);
        Assert.Equal("proc", inRoot["/proc"]);
        Assert.Equal("tmpfs", inRoot["/dev"]);
        Assert.Equal("devpts", inRoot["/dev/pts"]);
        Assert.Equal("tmpfs", inRoot["/dev/shm"]);
        Assert.Equal("sysfs", inRoot["/sys"]);
        Assert.Equal("tmpfs", inRoot["/tmp"]);
        Assert.True(plan.OfType<MountFs>().Single(m => m.Target == "/sys").Flags.HasFlag(MountFlags.ReadOnly));
        Assert.Equal(new[] { "null", "zero", "full", "random", "urandom", "tty" },
            plan.OfType<BindDevice>().Select(d => Path.GetFileName(d.Path)));
        Assert.IsType<PivotRoot>(plan[^1]);
    }

    [Fact]
    public void The_current_directory_is_an_overlay_of_its_own_after_tmp()
    {
        var plan = MountPlanner.Plan(Spec).ToList();

        var shared = plan.OfType<MountFs>().Single(m => m.Target == "/work/project");
        Assert.Equal("overlay", shared.FsType);
        Assert.StartsWith("lowerdir=/work/project,", shared.Data, StringComparison.Ordinal);
        Assert.True(plan.IndexOf(shared) > plan.FindIndex(op => op is MountFs { Target: "/tmp" }));
    }

    [Fact]
    public void In_host_root_mode_the_state_root_is_hidden()
        => Assert.Contains(MountPlanner.Plan(Spec).OfType<MountFs>(), m => m.Target == "/run/tinydocker" && m.FsType == "tmpfs");

    [Fact]
    public void With_an_image_the_state_root_is_not_touched()
        => Assert.DoesNotContain(MountPlanner.Plan(Spec with { Layers = ["/images/a"] }).OfType<MountFs>(), m => m.Target == "/run/tinydocker");

    [Fact]
    public void Volumes_tmpfs_and_read_only_come_before_the_pivot()
    {
        var spec = Spec with
        {
            Volumes = [new Volume("/host/data", "/data", true)],
            Tmpfs = [new TmpfsMount("/cache", "size=1m")],
            ReadOnlyRoot = true,
        };

        var plan = MountPlanner.Plan(spec).ToList();

        Assert.Contains(new BindMount("/host/data", "/data", true, NoDev: true), plan);
        Assert.Contains(plan, op => op is MountFs { Target: "/cache", FsType: "tmpfs", Data: "size=1m" });
        var readOnly = plan.OfType<RemountReadOnly>().ToList();
        Assert.Equal(["/run/tinydocker/c1/rw/root", "/work/project"], readOnly.Select(r => r.Target));
        Assert.True(plan.IndexOf(readOnly[0]) > plan.FindLastIndex(op => op is BindMount or MakeDir));
    }
}
