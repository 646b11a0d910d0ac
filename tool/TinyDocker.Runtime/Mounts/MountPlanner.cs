using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Mounts;

/// <summary>
/// Turns a spec into the ordered list of mount operations the container's init applies.
/// Pure but for resolving host symlinks in the paths it is given, so it is unit-tested without root.
/// </summary>
public static class MountPlanner
{
    private const MountFlags Nsd = MountFlags.NoSuid | MountFlags.NoDev;
    private const MountFlags Nsde = Nsd | MountFlags.NoExec;

    /// <summary>The container's scratch tmpfs: upper and work layers and the merged root live here.</summary>
    public static string ScratchDir(ContainerSpec spec) => Path.Combine(spec.StateDir, "rw");

    /// <summary>Where the merged root is mounted, before pivot_root.</summary>
    public static string RootDir(ContainerSpec spec) => Path.Combine(ScratchDir(spec), "root");

    /// <summary>/proc files that leak host kernel memory, keys or timing; hidden by default.</summary>
    public static readonly string[] MaskedPaths =
    [
        "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
    ];

    /// <summary>/proc entries that change the host kernel when written; read-only by default.</summary>
    public static readonly string[] ReadOnlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>The device nodes every container gets, bound from the host's /dev.</summary>
    public static readonly string[] Devices = ["null", "zero", "full", "random", "urandom", "tty"];

    /// <param name="cgroups">The host's cgroup hierarchies, mounted again (namespaced) under /sys/fs/cgroup.</param>
    /// <param name="canonical">Resolves a host path's symlinks (the one lookup planning makes; realpath by default).</param>
    /// <param name="hostMountPoints">Rootless with the host's root as image: the host's mount points (default: this process's mountinfo).</param>
    /// <param name="hostEntries">Rootless with the host's root as image: a host directory's entries (default: the host's own).</param>
    public static IReadOnlyList<MountOp> Plan(ContainerSpec spec, IReadOnlyList<CgroupHierarchy>? cgroups = null, Func<string, string>? canonical = null,
        IReadOnlySet<string>? hostMountPoints = null, Func<string, IEnumerable<HostEntry>>? hostEntries = null)
    {
        // Without --privileged no filesystem the command can write to honours device nodes.
        var rootFlags = spec.Privileged ? MountFlags.None : MountFlags.NoDev;
        string rw = ScratchDir(spec);
        string root = RootDir(spec);
        var ops = new List<MountOp>
        {
            // Before any other mount: nothing done below may propagate to the host.
            new MakePrivate("/"),
            new MakeDir(rw, InRoot: false),
            new MountFs("tmpfs", "tinydocker", rw, false, MountFlags.None, "mode=0755"),
            new MakeDir($"{rw}/upper", false),
            new MakeDir($"{rw}/work", false),
            new MakeDir(root, false),
        };
        if (spec.Rootless && spec.HostRootImage)
        {
            ops.AddRange(HostRootSplit.Plan(root, rw, rootFlags,
                hostMountPoints ?? HostRootSplit.MountPoints(File.ReadAllText("/proc/self/mountinfo")), hostEntries ?? HostRootSplit.HostEntries));
        }
        else
        {
            ops.Add(new MountFs("overlay", "overlay", root, false, rootFlags, OverlayData(spec.Layers, $"{rw}/upper", $"{rw}/work", userXattr: spec.Rootless)));
        }
        ops.AddRange(Proc());
        ops.AddRange(Dev());
        ops.Add(new MakeDir("/sys", true));
        if (spec.Rootless && spec.Network == NetworkModes.Host)
        {
            // sysfs may be mounted only by a user namespace that owns the network namespace: with
            // the host's network a rootless container gets the host's /sys, read-only (as podman).
            ops.Add(new BindMount("/sys", "/sys", ReadOnly: true, NoDev: true));
        }
        else
        {
            ops.Add(new MountFs("sysfs", "sysfs", "/sys", true, Nsde | (spec.Privileged ? MountFlags.None : MountFlags.ReadOnly), null));
            ops.AddRange(Cgroups(cgroups ?? [], readOnly: !spec.Privileged));
        }
        if (!spec.Privileged)
        {
            ops.AddRange(ReadOnlyPaths.Select(p => new ReadOnlyPath(p)));
            ops.AddRange(MaskedPaths.Select(p => new MaskPath(p)));
        }
        if (!CoversTmp(spec))
        {
            ops.Add(new MakeDir("/tmp", true));
            ops.Add(new MountFs("tmpfs", "tmpfs", "/tmp", true, Nsd, "mode=1777"));
        }
        if (spec.SharedDir is { } shared && shared != "/")
        {
            // Last, so that a current directory below /tmp or /dev is not hidden by those mounts.
            ops.Add(new MakeDir($"{rw}/shared-upper", false));
            ops.Add(new MakeDir($"{rw}/shared-work", false));
            ops.Add(new MakeDir(shared, true));
            ops.Add(new MountFs("overlay", "overlay", shared, true, rootFlags,
                OverlayData([shared], $"{rw}/shared-upper", $"{rw}/shared-work")));
        }
        foreach (var v in spec.Volumes)
        {
            ops.Add(new BindMount(v.Source, v.Target, v.ReadOnly, NoDev: !spec.Privileged));
        }
        foreach (var t in spec.Tmpfs)
        {
            ops.Add(new MakeDir(t.Target, true));
            ops.Add(new MountFs("tmpfs", "tmpfs", t.Target, true, Nsd, t.Options.Length == 0 ? null : t.Options));
        }
        ops.Add(new MakeDir(spec.WorkingDir, true));
        // After every mount that shows host files (the root, the current directory, volumes), so
        // that none of them lies over a mask: the state and data roots never show in a container.
        var masked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in HiddenRoots.MaskTargets(spec, canonical ?? Interop.Sys.RealPath))
        {
            if (masked.Add(target))
            {
                ops.Add(new MaskPath(target));
            }
        }
        if (spec.ReadOnlyRoot)
        {
            ops.Add(new RemountReadOnly(root, false));
            if (spec.SharedDir is { } dir && dir != "/")
            {
                ops.Add(new RemountReadOnly(dir, true));
            }
        }
        ops.Add(new PivotRoot(root));
        return ops;
    }

    /// <summary>
    /// Whether the current directory, a volume or a --tmpfs is mounted at /tmp itself: each lies over
    /// the whole of the default /tmp tmpfs, which would then be a mount nobody can see or reach.
    /// </summary>
    private static bool CoversTmp(ContainerSpec spec)
        => IsTmp(spec.SharedDir) || spec.Volumes.Any(v => IsTmp(v.Target)) || spec.Tmpfs.Any(t => IsTmp(t.Target));

    private static bool IsTmp(string? path)
        => path is not null && path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").SequenceEqual(["tmp"]);

    /// <summary>
    /// The overlay option string; every path in it has passed <see cref="SpecValidator.CheckOverlayPath"/>.
    /// <c>volatile</c>: every upper layer is on the container's scratch tmpfs, which dies with it, so
    /// the syncs of the upper filesystem that an fsync, syncfs or the unmount would make are worth nothing.
    /// Reads of the upper (keep-upper, diff, commit) are unchanged: volatile skips syncs, not writes.
    /// <c>userxattr</c> (an image of a rootless run): in a user namespace overlay cannot read trusted.overlay.*,
    /// and reads its markers from user.overlay.*, which an ordinary user's store writes (docs/rootless.md, Images).
    /// </summary>
    public static string OverlayData(IReadOnlyList<string> lowers, string upper, string work, bool userXattr = false)
        => $"lowerdir={string.Join(':', lowers)},upperdir={upper},workdir={work},volatile{(userXattr ? ",userxattr" : "")}";

    /// <summary>
    /// /sys/fs/cgroup as a tmpfs holding the host's hierarchies mounted again: the init has
    /// unshared its cgroup namespace, so each shows the container's own cgroup as its root.
    /// Read-only (and the tmpfs too) unless privileged.
    /// </summary>
    private static IEnumerable<MountOp> Cgroups(IReadOnlyList<CgroupHierarchy> hierarchies, bool readOnly)
    {
        if (hierarchies.Count == 0)
        {
            yield break;
        }
        var ro = readOnly ? MountFlags.ReadOnly : MountFlags.None;
        const string dir = "/sys/fs/cgroup";
        if (hierarchies is [{ Dir: "" } unified])
        {
            yield return new MountFs(unified.FsType, "cgroup", dir, true, Nsde | ro, null);
            yield break;
        }
        yield return new MountFs("tmpfs", "cgroup", dir, true, Nsde, "mode=0755,size=16k");
        foreach (var h in hierarchies.Where(h => h.Dir.Length > 0))
        {
            yield return new MakeDir($"{dir}/{h.Dir}", true);
            yield return new MountFs(h.FsType, "cgroup", $"{dir}/{h.Dir}", true, Nsde | ro, h.Options.Length == 0 ? null : h.Options);
        }
        if (readOnly)
        {
            yield return new ReadOnlyPath(dir, BindFirst: false); // the tmpfs is a mount point already
        }
    }

    private static IEnumerable<MountOp> Proc() =>
    [
        new MakeDir("/proc", true),
        new MountFs("proc", "proc", "/proc", true, Nsde, null),
    ];

    private static IEnumerable<MountOp> Dev()
    {
        yield return new MakeDir("/dev", true);
        yield return new MountFs("tmpfs", "tmpfs", "/dev", true, Nsd | MountFlags.StrictAtime, "mode=0755,size=65536k");
        foreach (var name in Devices)
        {
            yield return new BindDevice($"/dev/{name}", $"/dev/{name}");
        }
        yield return new MakeDir("/dev/pts", true);
        yield return new MountFs("devpts", "devpts", "/dev/pts", true, MountFlags.NoSuid | MountFlags.NoExec,
            "newinstance,ptmxmode=0666,mode=0620");
        yield return new MakeSymlink("/dev/ptmx", "pts/ptmx");
        yield return new MakeDir("/dev/shm", true);
        yield return new MountFs("tmpfs", "shm", "/dev/shm", true, Nsde, "mode=1777,size=65536k");
        yield return new MakeDir("/dev/mqueue", true);
        yield return new MountFs("mqueue", "mqueue", "/dev/mqueue", true, Nsde, null);
        yield return new MakeSymlink("/dev/fd", "/proc/self/fd");
        yield return new MakeSymlink("/dev/stdin", "/proc/self/fd/0");
        yield return new MakeSymlink("/dev/stdout", "/proc/self/fd/1");
        yield return new MakeSymlink("/dev/stderr", "/proc/self/fd/2");
    }
}
