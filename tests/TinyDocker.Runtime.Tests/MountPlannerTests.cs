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
        Assert.Equal("lowerdir=/,upperdir=/run/tinydocker/c1/rw/upper,workdir=/run/tinydocker/c1/rw/work,volatile", mounts[1].Data);
        Assert.Equal("/run/tinydocker/c1/rw/root", mounts[1].Target);
    }

    [Fact]
    public void Layers_stack_newest_first()
        => Assert.Equal("lowerdir=/l3:/l2:/l1,upperdir=/u,workdir=/w,volatile", MountPlanner.OverlayData(["/l3", "/l2", "/l1"], "/u", "/w"));

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

    [Theory]
    [InlineData("shared")]
    [InlineData("volume")]
    [InlineData("tmpfs")]
    public void No_tmpfs_at_tmp_when_another_mount_lies_over_all_of_it(string what)
    {
        var spec = what switch
        {
            "shared" => Spec with { SharedDir = "/tmp", WorkingDir = "/tmp" },
            "volume" => Spec with { Volumes = [new Volume("/srv", "/tmp/", true)] },
            _ => Spec with { Tmpfs = [new TmpfsMount("//./tmp", "")] },
        };

        var atTmp = MountPlanner.Plan(spec).OfType<MountFs>().Where(m => m.InRoot && m.FsType == "tmpfs" && m.Target == "/tmp" && m.Data == "mode=1777");

        Assert.Empty(atTmp);
        Assert.Single(MountPlanner.Plan(Spec).OfType<MountFs>(), m => m.InRoot && m.Target == "/tmp");
        // Below /tmp is no cover: the tmpfs stays.
        Assert.Single(MountPlanner.Plan(Spec with { Volumes = [new Volume("/srv", "/tmp/x", true)] }).OfType<MountFs>(), m => m.InRoot && m.Target == "/tmp");
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
    public void In_host_root_mode_the_state_and_data_roots_are_masked_after_every_mount()
    {
        var plan = MountPlanner.Plan(Spec with { DataRoot = "/var/lib/tinydocker" }, canonical: p => p).ToList();

        var masks = plan.OfType<MaskPath>().Select(m => m.Path).ToList();
        Assert.Contains("/run/tinydocker", masks);
        Assert.Contains("/var/lib/tinydocker", masks);
        Assert.True(plan.IndexOf(new MaskPath("/run/tinydocker")) > plan.FindLastIndex(op => op is MountFs or BindMount));
    }

    [Fact]
    public void With_an_image_the_state_root_is_not_touched()
        => Assert.DoesNotContain(MountPlanner.Plan(Spec with { Layers = ["/images/a"], SharedDir = null }, canonical: p => p).OfType<MaskPath>(), m => m.Path.Contains("tinydocker"));

    [Theory]
    [InlineData("/run", "/run/tinydocker", null)]
    [InlineData("/", "/host/run/tinydocker", "/host")]
    [InlineData("/run", "/x/tinydocker", "/x")]
    [InlineData("/var/lib", "/v/tinydocker", "/v")]
    public void A_current_directory_or_volume_that_contains_a_hidden_root_gets_a_mask_where_it_shows(string source, string mask, string? target)
    {
        var spec = Spec with
        {
            Layers = ["/images/a"],
            DataRoot = "/var/lib/tinydocker",
            SharedDir = target is null ? source : null,
            Volumes = target is null ? [] : [new Volume(source, target, false)],
        };

        var plan = MountPlanner.Plan(spec, canonical: p => p).ToList();

        Assert.Contains(new MaskPath(mask), plan);
        Assert.True(plan.IndexOf(new MaskPath(mask)) > plan.FindLastIndex(op => op is MountFs or BindMount));
    }

    [Fact]
    public void Symlinks_are_resolved_before_comparing_paths()
    {
        var spec = Spec with { Layers = ["/images/a"], SharedDir = null, Volumes = [new Volume("/var/run", "/x", true)] };

        var plan = MountPlanner.Plan(spec, canonical: p => p.StartsWith("/var/run", StringComparison.Ordinal) ? "/run" + p[8..] : p);

        Assert.Contains(new MaskPath("/x/tinydocker"), plan);
    }

    [Theory]
    [InlineData("/run/tinydocker", "volume")]
    [InlineData("/run/tinydocker/c2", "volume")]
    [InlineData("/var/lib/tinydocker/layers", "volume")]
    public void A_volume_inside_a_hidden_root_is_refused(string source, string what)
    {
        var spec = Spec with { DataRoot = "/var/lib/tinydocker", Volumes = [new Volume(source, "/s", false)] };

        var problem = Assert.Single(HiddenRoots.Problems(spec, p => p));
        Assert.StartsWith($"{what} `{source}` is inside tinydocker's own", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_current_directory_inside_the_state_root_is_refused_and_image_layers_in_the_data_root_are_not()
    {
        var spec = Spec with { DataRoot = "/var/lib/tinydocker", Layers = ["/var/lib/tinydocker/layers/a"], SharedDir = "/run/tinydocker/x" };

        var problem = Assert.Single(HiddenRoots.Problems(spec, p => p));
        Assert.StartsWith("the current directory `/run/tinydocker/x`", problem, StringComparison.Ordinal);
    }

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
