using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Rootless;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Tests;

/// <summary>The rootless parts that are pure: the host root split into overlays, the refusals, the id map's options.</summary>
public sealed class RootlessPlanTests
{
    private static readonly ContainerSpec Spec = SpecValidatorTests.Valid() with { UserNamespace = new IdMap(1000, 1000, null, null) };

    private static readonly Dictionary<string, HostEntry[]> Host = new()
    {
        ["/"] =
        [
            new("usr", HostEntryKind.Directory, null), new("bin", HostEntryKind.Link, "usr/bin"), new("proc", HostEntryKind.Directory, null),
            new("mnt", HostEntryKind.Directory, null), new("a,b", HostEntryKind.Directory, null), new("f", HostEntryKind.File, null),
        ],
        ["/mnt"] = [new("data", HostEntryKind.Directory, null), new("keep", HostEntryKind.Directory, null)],
    };

    private static IReadOnlyList<MountOp> Plan(ContainerSpec spec)
        => MountPlanner.Plan(spec, [], p => p, new HashSet<string> { "/proc", "/mnt/data" }, d => Host.GetValueOrDefault(d, []));

    [Fact]
    public void Rootless_an_images_overlay_reads_user_overlay_markers_and_rootful_keeps_trusted_ones()
    {
        var image = Spec with { Layers = ["/data/layers/b", "/data/layers/a"] };
        string RootOverlay(ContainerSpec s) => Plan(s).OfType<MountFs>().First(m => m.FsType == "overlay").Data!;

        Assert.Equal("lowerdir=/data/layers/b:/data/layers/a,upperdir=/run/tinydocker/c1/rw/upper,workdir=/run/tinydocker/c1/rw/work,volatile,userxattr", RootOverlay(image));
        Assert.DoesNotContain("userxattr", RootOverlay(image with { UserNamespace = null }), StringComparison.Ordinal);
    }

    [Fact]
    public void Rootless_the_hosts_root_is_the_scratch_upper_with_one_overlay_per_directory_without_mounts_below()
    {
        var plan = Plan(Spec);

        var overlays = plan.OfType<MountFs>().Where(m => m.FsType == "overlay").Select(m => (m.Target, m.Data)).ToList();
        Assert.Contains(("/run/tinydocker/c1/rw/root/usr", "lowerdir=/usr,upperdir=/run/tinydocker/c1/rw/host/1/upper,workdir=/run/tinydocker/c1/rw/host/1/work,volatile"), overlays);
        Assert.Contains(overlays, o => o.Data!.StartsWith("lowerdir=/mnt/keep,", StringComparison.Ordinal)); // /mnt is split: a mount is below it
        Assert.DoesNotContain(overlays, o => o.Data!.Contains("lowerdir=/,", StringComparison.Ordinal) || o.Data!.Contains("lowerdir=/mnt,", StringComparison.Ordinal)
            || o.Data!.Contains("/proc", StringComparison.Ordinal) || o.Data!.Contains("/mnt/data", StringComparison.Ordinal));
        Assert.Contains(new MakeSymlink("/bin", "usr/bin"), plan);
        Assert.Contains(new BindMount("/a,b", "/a,b", true, true), plan); // an option string cannot carry the name
        Assert.Contains(new BindMount("/f", "/f", true, true), plan);
        Assert.Contains(new MakeDir("/run/tinydocker/c1/rw/root/mnt/data", false), plan); // a mount point: empty, as rootful shows it
        // The root is the scratch tmpfs's upper directory (where diff and --keep-upper find its writes), nodev as before.
        Assert.Equal([new MountFs("none", "/run/tinydocker/c1/rw/upper", "/run/tinydocker/c1/rw/root", false, MountFlags.Bind, null),
            new MountFs("none", "none", "/run/tinydocker/c1/rw/root", false, MountFlags.Remount | MountFlags.Bind | MountFlags.NoDev, null)],
            plan.OfType<MountFs>().Skip(1).Take(2));
        Assert.Contains(new MakeDir("/run/tinydocker/c1/rw/host/1/path/usr", false), plan); // where the layer of /usr is mounted, for diff
    }

    [Fact]
    public void A_directory_the_user_cannot_list_is_left_empty()
    {
        var plan = MountPlanner.Plan(Spec, [], p => p, new HashSet<string> { "/mnt/data" },
            d => d == "/mnt" ? throw new UnauthorizedAccessException() : Host.GetValueOrDefault(d, []));

        Assert.Contains(new MakeDir("/run/tinydocker/c1/rw/root/mnt", false), plan);
        Assert.DoesNotContain(plan.OfType<MountFs>(), m => m.Target.StartsWith("/run/tinydocker/c1/rw/root/mnt/", StringComparison.Ordinal));
    }

    [Fact]
    public void Rootful_and_rootless_with_an_image_keep_the_single_overlay()
    {
        foreach (var spec in new[] { Spec with { UserNamespace = null }, Spec with { Layers = ["/images/a"] } })
        {
            var overlays = Plan(spec).OfType<MountFs>().Where(m => m.FsType == "overlay" && m.Target.EndsWith("/rw/root", StringComparison.Ordinal)).ToList();
            Assert.Single(overlays);
        }
    }

    [Fact]
    public void Rootless_with_the_hosts_network_binds_the_hosts_sys_read_only()
    {
        var plan = Plan(Spec with { Network = NetworkModes.Host });

        Assert.Contains(new BindMount("/sys", "/sys", true, true), plan);
        Assert.DoesNotContain(plan.OfType<MountFs>(), m => m.FsType == "sysfs");
    }

    [Fact]
    public void Mount_points_come_from_mountinfo_with_escapes_undone()
    {
        var points = HostRootSplit.MountPoints("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n23 22 0:5 / /proc rw - proc proc rw\n24 22 0:6 / /mnt/my\\040disk rw - ext4 x rw\n");

        Assert.Equal(["/proc", "/mnt/my disk"], points.Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public void Each_setting_that_forbids_user_namespaces_is_named_with_its_fix()
    {
        Assert.Empty(HostChecks.Refusals(_ => null));
        Assert.Empty(HostChecks.Refusals(p => p.EndsWith("max_user_namespaces", StringComparison.Ordinal) ? "15000" : p.Contains("apparmor", StringComparison.Ordinal) ? "0" : "1"));
        Assert.Contains("user.max_user_namespaces=0", Assert.Single(HostChecks.Refusals(p => p.EndsWith("max_user_namespaces", StringComparison.Ordinal) ? "0" : null)));
        Assert.Contains("kernel.unprivileged_userns_clone=0", Assert.Single(HostChecks.Refusals(p => p.EndsWith("unprivileged_userns_clone", StringComparison.Ordinal) ? "0" : null)));
        Assert.Contains("apparmor_restrict_unprivileged_userns=1", Assert.Single(HostChecks.Refusals(p => p.Contains("apparmor", StringComparison.Ordinal) ? "1" : null)));
    }

    [Fact]
    public void The_id_map_is_podmans_with_ranges_and_root_alone_without()
    {
        Assert.Equal(["--map-root-user"], new IdMap(1000, 1000, null, null).UnshareOptions());
        Assert.Equal(["--map-user=0", "--map-group=0", "--map-users=100000,1,65536", "--map-groups=200000,1,65536"],
            new IdMap(1000, 1000, new SubordinateRange(100000, 65536), new SubordinateRange(200000, 65536)).UnshareOptions());
    }

    [Fact]
    public void Limits_and_unmapped_users_are_refused_rootless()
    {
        Assert.Contains(SpecValidator.RootlessLimits, SpecValidator.Problems(Spec with { Limits = new ResourceLimits { MemoryBytes = 1 << 20 } }));
        Assert.DoesNotContain(SpecValidator.RootlessLimits, SpecValidator.Problems(Spec with { UserNamespace = null, Limits = new ResourceLimits { MemoryBytes = 1 << 20 } }));
        Assert.Contains(SpecValidator.Problems(Spec with { User = new UserIds(1000, 1000) }), p => p.Contains("/etc/subuid", StringComparison.Ordinal));
        Assert.Empty(SpecValidator.Problems(Spec with { User = new UserIds(0, 0) }));
    }
}
