// Runs in: tinydocker-init, in the container's own mount namespace, before the command exists.
// Nothing here may touch the host's mount table: the plan's first step makes "/" recursively private.
namespace TinyInit;

/// <summary>
/// One step of the mount plan, as the tool's Mounts/MountApplier.cs applies its MountOp: the tool
/// encodes each (Init/NativeInitPlan.cs), this applies it. Paths inside the root open through
/// <see cref="Root"/>; every mount, attribute and new name is made on a descriptor.
/// </summary>
internal static unsafe class MountSteps
{
    public const byte MakePrivate = 1, MakeHostDir = 2, MakeDir = 3, MountHost = 4, MountInRoot = 5, MakeCharDevice = 6,
        MakeSymlink = 7, BindMount = 8, BindDevice = 9, MaskPath = 10, ReadOnlyPath = 11, RemountInRoot = 12,
        RemountHost = 13, PivotRoot = 14;

    private const ulong AttrReadOnly = 1, AttrNoDev = 4;

    /// <summary>Applies the step at the cursor; <paramref name="root"/> is opened at the first step inside it.</summary>
    public static void Apply(ref Plan plan, ref Root root, byte* rootPath, int op)
    {
        byte kind = plan.U8();
        root.Op = op;
        if (kind != MakePrivate && kind != MakeHostDir && kind != MountHost && kind != RemountHost && kind != PivotRoot && root.Fd < 0)
        {
            root = Root.Open(rootPath, op);
        }
        switch (kind)
        {
            case MakePrivate:
            {
                byte* path = plan.Str();
                Check(Libc.mount(null, path, null, Libc.MS_REC | Libc.MS_PRIVATE, null), "mount bind", null, path, op);
                break;
            }
            case MakeHostDir:
            {
                byte* path = plan.Str();
                MakeHostDirs(path, plan.U32(), op);
                break;
            }
            case MakeDir:
            {
                byte* path = plan.Str();
                root.OpenDir(path, plan.U32(), false, 0);
                break;
            }
            case MountHost:
            case MountInRoot:
            {
                byte* source = plan.Str(), target = plan.Str(), fsType = plan.Str();
                ulong flags = plan.U64();
                byte* data = plan.Str();
                byte* on = target;
                int fd = -1;
                if (kind == MountInRoot)
                {
                    fd = root.OpenExisting(target);
                    on = ProcFd(fd);
                }
                Check(Libc.mount(source, on, fsType, flags, data), "mount ", fsType == null ? Text.Of("bind") : fsType, target, op);
                Close(fd);
                break;
            }
            case MakeCharDevice:
            {
                byte* path = plan.Str();
                uint major = plan.U32(), minor = plan.U32(), mode = plan.U32();
                int dir = root.OpenParent(path, out byte* name);
                // glibc's and musl's makedev for a 64-bit dev_t.
                ulong dev = (major & 0xfffUL) << 8 | (major & ~0xfffUL) << 32 | (minor & 0xffUL) | (minor & ~0xffUL) << 12;
                Check(Libc.mknodat(dir, name, Libc.S_IFCHR | mode, dev), "mknod", null, path, op);
                Libc.close(dir);
                break;
            }
            case MakeSymlink:
            {
                byte* path = plan.Str(), target = plan.Str();
                int dir = root.OpenParent(path, out byte* name);
                Check(Libc.symlinkat(target, dir, name), "symlink", null, path, op);
                Libc.close(dir);
                break;
            }
            case BindMount:
            {
                byte* source = plan.Str(), target = plan.Str();
                bool readOnly = plan.U8() != 0, noDev = plan.U8() != 0;
                // A file is mounted on a file: an empty one is made in the upper layer to mount over.
                int fd = IsDirectory(source) ? root.OpenDir(target, 0b111_101_101, true, 0) : root.OpenFile(target, 0b110_100_100, 0);
                Check(Libc.mount(source, ProcFd(fd), null, Libc.MS_BIND | Libc.MS_REC, null), "mount bind", null, target, op);
                Libc.close(fd);
                if (readOnly || noDev)
                {
                    // Opened again: the descriptor above names what lies under the new mount.
                    int mount = root.OpenExisting(target);
                    SetAttributes(mount, (readOnly ? AttrReadOnly : 0) | (noDev ? AttrNoDev : 0), true, target, op);
                    Libc.close(mount);
                }
                break;
            }
            case BindDevice:
            {
                byte* host = plan.Str(), path = plan.Str();
                int node = root.OpenFile(path, 0b110_110_110, 0);
                Check(Libc.mount(host, ProcFd(node), null, Libc.MS_BIND, null), "mount bind", null, path, op);
                Libc.close(node);
                break;
            }
            case MaskPath:
            {
                byte* path = plan.Str();
                int target = root.OpenIfExists(path);
                if (target >= 0)
                {
                    if (IsDirectory(target, path, op))
                    {
                        Check(Libc.mount(Text.Of("tmpfs"), ProcFd(target), Text.Of("tmpfs"), Libc.MS_RDONLY | Libc.MS_NOSUID | Libc.MS_NODEV | Libc.MS_NOEXEC,
                            Text.Of("mode=0555,size=4k")), "mount tmpfs", null, path, op);
                    }
                    else
                    {
                        Check(Libc.mount(Text.Of("/dev/null"), ProcFd(target), null, Libc.MS_BIND, null), "mount bind", null, path, op);
                    }
                    Libc.close(target);
                }
                break;
            }
            case ReadOnlyPath:
            {
                byte* path = plan.Str();
                bool bindFirst = plan.U8() != 0;
                int target = root.OpenIfExists(path);
                if (target < 0)
                {
                    break;
                }
                if (!bindFirst)
                {
                    SetAttributes(target, AttrReadOnly, true, path, op); // a mount point already: the descriptor is its root
                    Libc.close(target);
                    break;
                }
                byte* self = ProcFd(target);
                Check(Libc.mount(self, self, null, Libc.MS_BIND | Libc.MS_REC, null), "mount bind", null, path, op);
                Libc.close(target);
                int mount = root.OpenExisting(path);
                SetAttributes(mount, AttrReadOnly, true, path, op);
                Libc.close(mount);
                break;
            }
            case RemountInRoot:
            case RemountHost:
            {
                byte* target = plan.Str();
                int mount;
                if (kind == RemountInRoot)
                {
                    mount = root.OpenExisting(target);
                }
                else
                {
                    mount = Libc.open(target, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
                    if (mount < 0)
                    {
                        Report.Fail("open", target, Libc.Errno, op);
                    }
                }
                SetAttributes(mount, AttrReadOnly, false, target, op);
                Libc.close(mount);
                break;
            }
            case PivotRoot:
                Pivot(plan.Str(), op);
                break;
            default:
                Report.Fail("read the plan", null, Libc.EINVAL, op);
                break;
        }
    }

    /// <summary>
    /// pivot_root(".", ".") stacks the old root on top of the new one; detaching it then leaves only
    /// the new root, with no directory for the old one to linger in (runc does the same).
    /// </summary>
    private static void Pivot(byte* newRoot, int op)
    {
        int fd = Libc.open(newRoot, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            Report.Fail("open", newRoot, Libc.Errno, op);
        }
        Check(Libc.fchdir(fd), "fchdir", null, null, op);
        byte* dot = Text.Of(".");
        if (Libc.syscall(Libc.SYS_pivot_root, (long)dot, (long)dot, 0, 0, 0) < 0)
        {
            Report.Fail("pivot_root", newRoot, Libc.Errno, op);
        }
        Check(Libc.umount2(dot, Libc.MNT_DETACH), "umount", null, dot, op);
        byte* slash = Text.Of("/");
        Check(Libc.chdir(slash), "chdir", null, slash, op);
        Libc.close(fd);
    }

    private static void MakeHostDirs(byte* path, uint mode, int op)
    {
        if (Libc.mkdir(path, mode) == 0 || Libc.Errno == Libc.EEXIST)
        {
            return;
        }
        if (Libc.Errno == Libc.ENOENT)
        {
            nint n = Text.Length(path);
            while (n > 0 && path[n - 1] == '/')
            {
                n--;
            }
            while (n > 0 && path[n - 1] != '/')
            {
                n--;
            }
            while (n > 1 && path[n - 1] == '/')
            {
                n--;
            }
            if (n > 1)
            {
                byte* parent = Text.Alloc(n + 1);
                Text.Copy(path, parent, n);
                parent[n] = 0;
                MakeHostDirs(parent, mode, op);
                if (Libc.mkdir(path, mode) == 0 || Libc.Errno == Libc.EEXIST)
                {
                    return;
                }
            }
        }
        Report.Fail("mkdir", path, Libc.Errno, op);
    }

    /// <summary>mount_setattr(2) on the mount a descriptor was opened on (all of its tree when <paramref name="recursive"/>).</summary>
    private static void SetAttributes(int fd, ulong set, bool recursive, byte* shown, int op)
    {
        ulong* attr = (ulong*)Text.Alloc(32);
        attr[0] = set;
        attr[1] = 0;
        attr[2] = 0;
        attr[3] = 0;
        byte* empty = Text.Of("");
        long flags = Libc.AT_EMPTY_PATH | (recursive ? Libc.AT_RECURSIVE : 0);
        if (Libc.syscall(Libc.SYS_mount_setattr, fd, (long)empty, flags, (long)attr, 32) < 0)
        {
            string what = set == (AttrReadOnly | AttrNoDev) ? "mount_setattr(MOUNT_ATTR_RDONLY|MOUNT_ATTR_NODEV)"
                : set == AttrReadOnly ? "mount_setattr(MOUNT_ATTR_RDONLY)" : "mount_setattr(MOUNT_ATTR_NODEV)";
            Report.Fail(what, shown, Libc.Errno, op);
        }
    }

    /// <summary>Whether a host path is a directory, following links (as Directory.Exists).</summary>
    private static bool IsDirectory(byte* hostPath)
    {
        byte* st = Text.Alloc(Libc.StatSize);
        return Libc.stat(hostPath, st) == 0 && (*(uint*)(st + Libc.StatModeOffset) & Libc.S_IFMT) == Libc.S_IFDIR;
    }

    private static bool IsDirectory(int fd, byte* shown, int op)
    {
        byte* st = Text.Alloc(Libc.StatSize);
        if (Libc.fstat(fd, st) != 0)
        {
            Report.Fail("fstat", shown, Libc.Errno, op);
        }
        return (*(uint*)(st + Libc.StatModeOffset) & Libc.S_IFMT) == Libc.S_IFDIR;
    }

    /// <summary>"/proc/self/fd/N": a mount onto it lands on the very inode the descriptor holds (as runc does).</summary>
    public static byte* ProcFd(int fd)
    {
        var line = Line.Start(32);
        line.Add("/proc/self/fd/");
        line.Add(fd);
        line.Add("\0");
        return line.Buffer;
    }

    private static void Close(int fd)
    {
        if (fd >= 0)
        {
            Libc.close(fd);
        }
    }

    private static void Check(int result, string what, byte* detail, byte* path, int op)
    {
        if (result < 0)
        {
            Report.Fail(what, detail, path, Libc.Errno, op);
        }
    }
}
