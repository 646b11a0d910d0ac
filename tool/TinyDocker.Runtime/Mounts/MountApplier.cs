// Runs in: the container's init (PID 1 of the new PID namespace), in the container's own
// mount namespace, before the command exists. Nothing here may touch the host's mount table:
// the plan's first step makes "/" recursively private.
using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Mounts;

/// <summary>The one loop that applies a mount plan, in order.</summary>
internal static class MountApplier
{
    public static void Apply(IReadOnlyList<MountOp> plan, string root)
    {
        foreach (var op in plan)
        {
            switch (op)
            {
                case MakePrivate p:
                    Sys.Mount(null, p.Path, null, (ulong)(MountFlags.Recursive) | MS_PRIVATE, null);
                    break;
                case MakeDir d:
                    MakeDirs(d.InRoot ? RootPath.Resolve(root, d.Path) : d.Path, d.Mode);
                    break;
                case MountFs m:
                    MountFs(m, m.InRoot ? RootPath.Resolve(root, m.Target) : m.Target);
                    break;
                case MakeCharDevice c:
                    Sys.Mknod(RootPath.Resolve(root, c.Path), Sys.S_IFCHR | c.Mode, Sys.MakeDev(c.Major, c.Minor));
                    break;
                case MakeSymlink l:
                    Sys.Symlink(l.Target, RootPath.Resolve(root, l.Path));
                    break;
                case BindMount b:
                    Bind(b, RootPath.Resolve(root, b.Target));
                    break;
                case BindDevice d:
                    BindDevice(d.HostPath, RootPath.Resolve(root, d.Path));
                    break;
                case MaskPath m:
                    Mask(RootPath.Resolve(root, m.Path));
                    break;
                case ReadOnlyPath r:
                    MakeReadOnly(RootPath.Resolve(root, r.Path), r.BindFirst);
                    break;
                case RemountReadOnly ro:
                    Sys.Mount(null, ro.InRoot ? RootPath.Resolve(root, ro.Target) : ro.Target, null,
                        (ulong)(MountFlags.Remount | MountFlags.Bind | MountFlags.ReadOnly), null);
                    break;
                case PivotRoot r:
                    Pivot(r.NewRoot);
                    break;
                default:
                    throw new InvalidOperationException($"unknown mount operation {op}");
            }
        }
    }

    private static void MountFs(MountFs m, string target)
    {
        try
        {
            Sys.Mount(m.Source, target, m.FsType, (ulong)m.Flags, m.Data);
        }
        catch (SyscallException e) when (m.FsType == "overlay"
            && Rootless.OverlaySupport.Refusal(File.ReadAllText("/proc/sys/kernel/osrelease"), e.ErrorNumber, Init.InitGuard.InOwnUserNamespace()) is { } refusal)
        {
            throw new TinyDockerException(refusal);
        }
    }

    private static void Bind(BindMount b, string target)
    {
        if (Directory.Exists(b.Source))
        {
            MakeDirs(target, 0b111_101_101);
        }
        else if (!File.Exists(target))
        {
            // A file is mounted on a file: make an empty one in the upper layer to mount over.
            MakeDirs(Path.GetDirectoryName(target)!, 0b111_101_101);
            Sys.Close(Sys.Open(target, O_WRONLY | O_CREAT, 0b110_100_100));
        }
        Sys.Mount(b.Source, target, null, (ulong)(MountFlags.Bind | MountFlags.Recursive), null);
        if (b.ReadOnly)
        {
            Sys.SetReadOnlyRecursive(target);
        }
        if (b.NoDev)
        {
            Sys.SetNoDevRecursive(target);
        }
    }

    private static void BindDevice(string hostPath, string target)
    {
        Sys.Close(Sys.Open(target, O_WRONLY | O_CREAT, 0b110_110_110));
        Sys.Mount(hostPath, target, null, (ulong)MountFlags.Bind, null);
    }

    private static void Mask(string target)
    {
        if (Directory.Exists(target))
        {
            Sys.Mount("tmpfs", target, "tmpfs", (ulong)(MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec), "mode=0555,size=4k");
        }
        else if (File.Exists(target))
        {
            Sys.Mount("/dev/null", target, null, (ulong)MountFlags.Bind, null);
        }
    }

    private static void MakeReadOnly(string target, bool bindFirst)
    {
        if (!Path.Exists(target))
        {
            return;
        }
        if (bindFirst)
        {
            Sys.Mount(target, target, null, (ulong)(MountFlags.Bind | MountFlags.Recursive), null);
        }
        Sys.SetReadOnlyRecursive(target);
    }

    private static void MakeDirs(string path, uint mode)
    {
        // Parents first; RootPath has already resolved every existing component inside the root.
        string? parent = Path.GetDirectoryName(path);
        if (parent is not null && parent != path && !Directory.Exists(parent))
        {
            MakeDirs(parent, mode);
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
