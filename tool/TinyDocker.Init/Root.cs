// Runs in: tinydocker-init, in the container's mount namespace before pivot_root.
namespace TinyInit;

/// <summary>
/// The container root held by a descriptor, as the tool's Mounts/ContainerRoot.cs with the
/// kernel's resolution: each path opens with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so
/// links (absolute or relative) and ".." are followed but never out of the root. Every failure is
/// reported with the plan index <see cref="Op"/> and ends the init.
/// </summary>
internal unsafe struct Root
{
    private const ulong InRoot = 0x10 | 0x02;
    private const int CreateFlags = Libc.O_RDONLY | Libc.O_CREAT | Libc.O_NOCTTY | Libc.O_NONBLOCK;
    private const int MaxLinks = 40;

    public int Fd;
    public int Op;

    public static Root Open(byte* path, int op)
    {
        var root = new Root { Fd = -1, Op = op };
        root.Fd = Openat2(Libc.AT_FDCWD, path, Libc.O_PATH | Libc.O_DIRECTORY, 0, 0);
        if (root.Fd < 0)
        {
            Report.Fail("open", path, -root.Fd, op);
        }
        return root;
    }

    /// <summary>openat2 with O_CLOEXEC, again on EAGAIN or EINTR (a rename elsewhere in the tree); the descriptor or -errno.</summary>
    public static int Openat2(int dirfd, byte* path, int flags, uint mode, ulong resolve)
    {
        ulong* how = (ulong*)Text.Alloc(24);
        how[0] = (uint)(flags | Libc.O_CLOEXEC);
        how[1] = mode;
        how[2] = resolve;
        for (int attempt = 1; ; attempt++)
        {
            long fd = Libc.syscall(Libc.SYS_openat2, dirfd, (long)path, (long)how, 24, 0);
            int errno = fd >= 0 ? 0 : Libc.Errno;
            if (fd >= 0 || (errno != Libc.EAGAIN && errno != Libc.EINTR) || attempt == 128)
            {
                Libc.free(how);
                return fd >= 0 ? (int)fd : -errno;
            }
        }
    }

    public int TryOpen(byte* path, int flags, uint mode) => Openat2(Fd, path, flags, mode, InRoot);

    /// <summary>An O_PATH descriptor, or -1 when the path does not exist.</summary>
    public int OpenIfExists(byte* path)
    {
        int fd = TryOpen(path, Libc.O_PATH, 0);
        if (fd < 0 && fd != -Libc.ENOENT)
        {
            Report.Fail("open", path, -fd, Op);
        }
        return fd < 0 ? -1 : fd;
    }

    public int OpenExisting(byte* path)
    {
        int fd = OpenIfExists(path);
        if (fd < 0)
        {
            Report.Fail("open", path, Libc.ENOENT, Op);
        }
        return fd;
    }

    /// <summary>A directory made if missing, its parents too (mkdir -p); its O_PATH descriptor, or -1 when not <paramref name="reopen"/>.</summary>
    public int OpenDir(byte* path, uint mode, bool reopen, int links)
    {
        int fd = TryOpen(path, Libc.O_PATH | Libc.O_DIRECTORY, 0);
        if (fd >= 0)
        {
            return fd;
        }
        if (fd != -Libc.ENOENT)
        {
            Report.Fail("open", path, -fd, Op);
        }
        Text.Split(path, out byte* parent, out byte* name);
        int dir = OpenDir(parent, mode, true, links);
        bool dotDot = Text.IsDotDot(name);
        int errno = dotDot || Libc.mkdirat(dir, name, mode) == 0 ? 0 : Libc.Errno;
        if (errno == Libc.EEXIST)
        {
            byte* target = LinkTarget(dir, parent, name, ref links);
            if (target != null)
            {
                Libc.close(dir);
                return OpenDir(target, mode, reopen, links); // a dangling link: made where it points
            }
        }
        Libc.close(dir);
        if (errno != 0 && errno != Libc.EEXIST)
        {
            Report.Fail("mkdir", path, errno, Op);
        }
        if (!reopen && !dotDot)
        {
            return -1;
        }
        return OpenDirectory(path);
    }

    /// <summary>A file made empty if missing (its parents as directories); a descriptor of it.</summary>
    public int OpenFile(byte* path, uint mode, int links)
    {
        int fd = TryOpen(path, Libc.O_PATH, 0);
        if (fd == -Libc.ENOENT)
        {
            // O_RDONLY: creating needs no write access, and an image's file opened for writing would be copied up.
            fd = TryOpen(path, CreateFlags, mode);
            if (fd == -Libc.ENOENT)
            {
                Text.Split(path, out byte* parent, out byte* name);
                int dir = OpenDir(parent, 0b111_101_101, true, links);
                byte* target = LinkTarget(dir, parent, name, ref links);
                Libc.close(dir);
                if (target != null)
                {
                    return OpenFile(target, mode, links);
                }
                fd = TryOpen(path, CreateFlags, mode);
            }
        }
        if (fd < 0)
        {
            Report.Fail("open", path, -fd, Op);
        }
        return fd;
    }

    /// <summary>The descriptor of a path's parent directory, which must exist, and the path's last name.</summary>
    public int OpenParent(byte* path, out byte* name)
    {
        Text.Split(path, out byte* parent, out name);
        return OpenDirectory(parent);
    }

    private int OpenDirectory(byte* path)
    {
        int fd = TryOpen(path, Libc.O_PATH | Libc.O_DIRECTORY, 0);
        if (fd < 0)
        {
            Report.Fail("open", path, -fd, Op);
        }
        return fd;
    }

    /// <summary>
    /// Where a link <paramref name="name"/> in <paramref name="parent"/> points, as a path inside the
    /// root (absolute from the root, relative from its directory); null when it is no link.
    /// </summary>
    private byte* LinkTarget(int dir, byte* parent, byte* name, ref int links)
    {
        byte* buffer = Text.Alloc(4098);
        nint n = Libc.readlinkat(dir, name, buffer, 4097);
        if (n < 0)
        {
            return null;
        }
        buffer[n] = 0;
        if (++links > MaxLinks)
        {
            Report.Fail("open", Text.Join(parent, name), Libc.ELOOP, Op);
        }
        return buffer[0] == '/' ? buffer : Text.Join(parent, buffer);
    }
}
