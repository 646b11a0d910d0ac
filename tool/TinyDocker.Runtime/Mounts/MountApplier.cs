// Runs in: the container's init (PID 1 of the new PID namespace), in the container's own
// mount namespace, before the command exists. Nothing here may touch the host's mount table:
// the plan's first step makes "/" recursively private.
using System.Text;
using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Mounts;

/// <summary>
/// The one loop that applies a mount plan, in order. Paths inside the root are opened through a
/// <see cref="ContainerRoot"/> and every mount, attribute and new name is made on the descriptor.
/// </summary>
internal static class MountApplier
{
    private const uint DirMode = 0b111_101_101;

    public static void Apply(IReadOnlyList<MountOp> plan, string root, RootResolution resolution = RootResolution.Auto)
    {
        // Opened at the first operation inside the root: every mount onto the root itself comes before it.
        ContainerRoot? inRoot = null;
        ContainerRoot Root() => inRoot ??= new ContainerRoot(root, resolution);
        try
        {
            foreach (var op in plan)
            {
                Apply(op, Root);
            }
        }
        finally
        {
            inRoot?.Dispose();
        }
    }

    private static void Apply(MountOp op, Func<ContainerRoot> root)
    {
        switch (op)
        {
            case MakePrivate p:
                Sys.Mount(null, p.Path, null, (ulong)(MountFlags.Recursive) | MS_PRIVATE, null);
                break;
            case MakeDir { InRoot: true } d:
                root().MakeDirs(d.Path, d.Mode);
                break;
            case MakeDir d:
                MakeHostDirs(d.Path, d.Mode);
                break;
            case MountFs { InRoot: true } m:
                using (var target = root().Open(m.Target))
                {
                    SayingOldKernels(m, () => Sys.MountOn(m.Source, target, m.FsType, (ulong)m.Flags, m.Data, m.Target));
                }
                break;
            case MountFs m:
                SayingOldKernels(m, () => Sys.Mount(m.Source, m.Target, m.FsType, (ulong)m.Flags, m.Data));
                break;
            case MakeCharDevice c:
                MakeNode(root(), c);
                break;
            case MakeSymlink l:
                MakeSymlink(root(), l);
                break;
            case BindMount b:
                Bind(root(), b);
                break;
            case BindDevice d:
                using (var node = root().OpenFile(d.Path, 0b110_110_110))
                {
                    Sys.MountOn(d.HostPath, node, null, (ulong)MountFlags.Bind, null, d.Path);
                }
                break;
            case MaskPath m:
                Mask(root(), m.Path);
                break;
            case ReadOnlyPath r:
                MakeReadOnly(root(), r.Path, r.BindFirst);
                break;
            case RemountReadOnly { InRoot: true } ro:
                using (var mount = root().Open(ro.Target))
                {
                    Sys.SetReadOnly(mount, ro.Target);
                }
                break;
            case RemountReadOnly ro:
                using (var mount = Sys.OpenPath(ro.Target, O_PATH | O_DIRECTORY | O_CLOEXEC))
                {
                    Sys.SetReadOnly(mount, ro.Target);
                }
                break;
            case PivotRoot r:
                Pivot(r.NewRoot);
                break;
            default:
                throw new InvalidOperationException($"unknown mount operation {op}");
        }
    }

    /// <summary>An overlay a kernel without unprivileged overlayfs refuses (before 5.11) is said in one line.</summary>
    private static void SayingOldKernels(MountFs m, Action mount)
    {
        try
        {
            mount();
        }
        catch (SyscallException e) when (m.FsType == "overlay"
            && Rootless.OverlaySupport.Refusal(File.ReadAllText("/proc/sys/kernel/osrelease"), e.ErrorNumber, Init.InitGuard.InOwnUserNamespace()) is { } refusal)
        {
            throw new TinyDockerException(refusal);
        }
    }

    private static void Bind(ContainerRoot root, BindMount b)
    {
        // A file is mounted on a file: an empty one is made in the upper layer to mount over.
        using (var target = Directory.Exists(b.Source) ? root.OpenDir(b.Target, DirMode) : root.OpenFile(b.Target, 0b110_100_100))
        {
            Sys.MountOn(b.Source, target, null, (ulong)(MountFlags.Bind | MountFlags.Recursive), null, b.Target);
        }
        if (b.ReadOnly || b.NoDev)
        {
            // Opened again: the descriptor above names what lies under the new mount.
            using var mount = root.Open(b.Target);
            Sys.SetAttributesRecursive(mount, b.ReadOnly, b.NoDev, b.Target); // one call for both
        }
    }

    private static void Mask(ContainerRoot root, string path)
    {
        using var target = root.OpenIfExists(path);
        if (target is null)
        {
            return;
        }
        if ((Sys.Fstat(target, path).Mode & Sys.S_IFMT) == Sys.S_IFDIR)
        {
            Sys.MountOn("tmpfs", target, "tmpfs", (ulong)(MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec), "mode=0555,size=4k", path);
        }
        else
        {
            Sys.MountOn("/dev/null", target, null, (ulong)MountFlags.Bind, null, path);
        }
    }

    private static void MakeReadOnly(ContainerRoot root, string path, bool bindFirst)
    {
        using (var target = root.OpenIfExists(path))
        {
            if (target is null)
            {
                return;
            }
            if (bindFirst)
            {
                Sys.BindOn(target, target, (ulong)(MountFlags.Bind | MountFlags.Recursive), path);
            }
            else
            {
                Sys.SetReadOnlyRecursive(target, path); // a mount point already: the descriptor is its root
                return;
            }
        }
        using var mount = root.Open(path);
        Sys.SetReadOnlyRecursive(mount, path);
    }

    private static void MakeSymlink(ContainerRoot root, MakeSymlink l)
    {
        var (dir, name) = root.OpenParent(l.Path);
        using (dir)
        {
            int errno = Sys.TrySymlinkat(Encoding.UTF8.GetBytes(l.Target), dir, name);
            if (errno != 0)
            {
                throw new SyscallException("symlink", l.Path, errno);
            }
        }
    }

    private static void MakeNode(ContainerRoot root, MakeCharDevice c)
    {
        var (dir, name) = root.OpenParent(c.Path);
        using (dir)
        {
            int errno = Sys.TryMknodat(dir, name, Sys.S_IFCHR | c.Mode, Sys.MakeDev(c.Major, c.Minor));
            if (errno != 0)
            {
                throw new SyscallException("mknod", c.Path, errno);
            }
        }
    }

    private static void MakeHostDirs(string path, uint mode)
    {
        string? parent = Path.GetDirectoryName(path);
        if (parent is not null && parent != path && !Directory.Exists(parent))
        {
            MakeHostDirs(parent, mode);
        }
        Sys.MkdirIfMissing(path, mode);
    }

    /// <summary>
    /// pivot_root(".", ".") stacks the old root on top of the new one; detaching it then leaves
    /// only the new root, with no directory for the old root to linger in (runc does the same).
    /// </summary>
    private static void Pivot(string newRoot)
    {
        int fd = Sys.Open(newRoot, O_RDONLY | O_DIRECTORY);
        try
        {
            Sys.Fchdir(fd);
            Sys.PivotRoot(".", ".");
            Sys.Umount(".", MNT_DETACH);
            Sys.Chdir("/");
        }
        finally
        {
            Sys.Close(fd);
        }
    }
}
