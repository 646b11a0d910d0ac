// Runs in: the host tool (the supervisor), as root, after the container's processes are dead and
// while its init still holds the container's mounts; writes container-controlled trees on the host.
using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// The one writer of container-controlled content on the host (`--copy-out`, `--keep-upper`).
/// Both sides are walked through descriptors, one name at a time, and no lookup ever follows a
/// symlink (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS): a link planted in the source is copied
/// as a link, and one already in the destination (an earlier run's results) is replaced, never
/// written through. Names are bytes, so any name copies and any depth works. Each file is written
/// to a temporary name and renamed into place, so a copy that fails (ENOSPC, EIO) leaves the old
/// file or nothing, never half a file. Modes keep only the rwx bits (no setuid, setgid or sticky
/// bit reaches the host); device nodes, FIFOs and sockets are not reproduced, except overlay
/// whiteouts (0/0 character devices) when <paramref name="keepWhiteouts"/> asks, made 0600. Nothing
/// on a kernel filesystem (/proc, /sys) is read: the container's /proc shows the init, whose
/// environment and descriptors are the host tool's. Every
/// object written is given to <paramref name="uid"/>:<paramref name="gid"/> by descriptor.
/// </summary>
internal sealed class SafeTreeWriter(uint uid, uint gid, bool keepWhiteouts, CopyProblems problems)
{
    private const ulong Beneath = Sys.ResolveConfined;
    private const uint PermissionBits = 0x1FF; // rwxrwxrwx: setuid, setgid and sticky are dropped
    private const uint TypeMask = 0xF000, Dir = 0x4000, Reg = 0x8000, Lnk = 0xA000, Chr = 0x2000;

    /// <summary>statfs magic numbers of kernel filesystems: proc, sysfs, cgroup v1 and v2, debugfs, securityfs, tracefs, bpf, efivarfs.</summary>
    private static readonly HashSet<long> KernelFilesystems =
        [0x9fa0, 0x62656572, 0x27e0eb, 0x63677270, 0x64626720, 0x73636673, 0x74726163, 0xcafe4a11, 0xde5e81e4];

    /// <summary>Copies the object <paramref name="source"/> (an O_PATH descriptor) to <paramref name="name"/> in <paramref name="destDir"/>.</summary>
    public void Copy(FileDescriptor source, FileDescriptor destDir, byte[] name, string shown)
    {
        try
        {
            var (mode, rdev, _) = Sys.Fstat(source, shown);
            if (KernelFilesystems.Contains(Sys.FilesystemType(source, shown)))
            {
                // /proc/1/environ is the init's environment, the host tool's own: a results link to it would carry the host's secrets out.
                problems.Add(shown, "it is in /proc, /sys or another kernel filesystem");
                return;
            }
            switch (mode & TypeMask)
            {
                case Lnk:
                    Place(destDir, name, shown, (dir, tmp) => Sys.TrySymlinkat(Sys.ReadLink(source, shown), dir, tmp), descriptor: false);
                    break;
                case Dir:
                    CopyDirectory(source, destDir, name, shown, mode);
                    break;
                case Reg:
                    CopyFile(source, destDir, name, shown, mode);
                    break;
                case Chr when keepWhiteouts && rdev == 0:
                    Whiteout(destDir, name, shown);
                    break;
                default:
                    return; // a device node, FIFO or socket: never reproduced on the host
            }
        }
        catch (SyscallException e)
        {
            problems.Add(shown, e.Message);
        }
    }

    /// <summary>An overlay whiteout (a 0/0 character device, 0600) at <paramref name="name"/>: a deletion the container made where no upper recorded one.</summary>
    public void Whiteout(FileDescriptor destDir, byte[] name, string shown)
        => Place(destDir, name, shown, (dir, tmp) => Sys.TryMknodat(dir, tmp, Chr | 0x180, 0), descriptor: false);

    private void CopyChild(FileDescriptor sourceDir, byte[] name, FileDescriptor destDir, string shown)
    {
        int fd = Sys.TryOpenat2(sourceDir.Value, name, O_PATH | O_NOFOLLOW, Beneath);
        if (fd < 0)
        {
            problems.Add(shown, $"{Errno.Name(-fd)} ({Errno.Message(-fd)}) in the container");
            return;
        }
        using var source = new FileDescriptor(fd);
        Copy(source, destDir, name, shown);
    }

    private void CopyDirectory(FileDescriptor source, FileDescriptor destDir, byte[] name, string shown, uint mode)
    {
        using var from = Sys.Reopen(source, O_RDONLY | O_DIRECTORY, shown);
        using var to = OpenOrMakeDirectory(destDir, name, shown);
        foreach (var child in Sys.ReadDirectory(from, shown))
        {
            CopyChild(from, child, to, $"{shown}/{CopyProblems.Show(child)}");
        }
        Own(to, mode, shown);
    }

    /// <summary>
    /// The directory <paramref name="name"/> beneath <paramref name="parent"/>, made with
    /// <paramref name="newMode"/> when missing (0700: the copy sets the final mode once its contents
    /// are in); a symlink or file in its place is removed first, never followed.
    /// </summary>
    public static FileDescriptor OpenOrMakeDirectory(FileDescriptor parent, byte[] name, string shown, uint newMode = 0x1C0)
    {
        for (int attempt = 0; ; attempt++)
        {
            int fd = Sys.TryOpenat2(parent.Value, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, Beneath);
            if (fd >= 0)
            {
                return new FileDescriptor(fd);
            }
            if (attempt > 2)
            {
                throw new SyscallException("openat2", shown, -fd);
            }
            if (-fd is Errno.ELOOP or Errno.ENOTDIR)
            {
                int unlinked = Sys.TryUnlinkat(parent, name);
                if (unlinked != 0 && unlinked != Errno.ENOENT)
                {
                    throw new SyscallException("unlinkat", shown, unlinked);
                }
            }
            else if (-fd != Errno.ENOENT)
            {
                throw new SyscallException("openat2", shown, -fd);
            }
            int made = Sys.TryMkdirat(parent, name, newMode);
            if (made != 0 && made != Errno.EEXIST)
            {
                throw new SyscallException("mkdirat", shown, made);
            }
        }
    }

    private void CopyFile(FileDescriptor source, FileDescriptor destDir, byte[] name, string shown, uint mode)
    {
        using var input = Sys.Reopen(source, O_RDONLY | O_NOCTTY | O_NONBLOCK, shown);
        byte[] tmp = TempName();
        using var output = Sys.Openat2(destDir.Value, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, Beneath, shown, 0x180);
        var buffer = new byte[1 << 20];
        int failed = 0;
        string failedOp = "";
        while (failed == 0)
        {
            long n = Sys.TryRead(input, buffer);
            if (n < 0)
            {
                (failed, failedOp) = ((int)-n, "read");
                break;
            }
            if (n == 0)
            {
                break;
            }
            (failed, failedOp) = (Sys.TryWriteAll(output, buffer.AsSpan(0, (int)n)), "write");
        }
        if (failed == 0 && (failed = Sys.TryFchown(output, uid, gid)) != 0)
        {
            failedOp = "fchown";
        }
        if (failed == 0 && (failed = Sys.TryFchmod(output, mode & PermissionBits)) != 0)
        {
            failedOp = "fchmod";
        }
        if (failed == 0 && (failed = Sys.TryRenameat(destDir, tmp, name)) != 0)
        {
            failedOp = "rename";
        }
        if (failed != 0)
        {
            Sys.TryUnlinkat(destDir, tmp);
            problems.Add(shown, $"{failedOp}: {Errno.Name(failed)} ({Errno.Message(failed)})");
        }
    }

    /// <summary>
    /// Makes a link or node under a temporary name, owns it, and renames it over <paramref name="name"/>:
    /// whatever was there (a file, a planted link) is replaced in one step; a directory is not.
    /// </summary>
    private void Place(FileDescriptor destDir, byte[] name, string shown, Func<FileDescriptor, byte[], int> make, bool descriptor)
    {
        byte[] tmp = TempName();
        int rc = make(destDir, tmp);
        string op = "create";
        if (rc == 0 && !descriptor && (rc = Sys.TryLchownat(destDir, tmp, uid, gid)) != 0)
        {
            op = "lchown";
        }
        if (rc == 0 && (rc = Sys.TryRenameat(destDir, tmp, name)) != 0)
        {
            op = "rename";
        }
        if (rc != 0)
        {
            Sys.TryUnlinkat(destDir, tmp);
            problems.Add(shown, $"{op}: {Errno.Name(rc)} ({Errno.Message(rc)})");
        }
    }

    private void Own(FileDescriptor dir, uint mode, string shown)
    {
        int rc = Sys.TryFchown(dir, uid, gid);
        if (rc == 0)
        {
            rc = Sys.TryFchmod(dir, mode & PermissionBits);
        }
        if (rc != 0)
        {
            problems.Add(shown, $"owner or mode: {Errno.Name(rc)} ({Errno.Message(rc)})");
        }
    }

    /// <summary>A name no container can have planted ahead (random, and created with O_EXCL or refused).</summary>
    private static byte[] TempName() => System.Text.Encoding.ASCII.GetBytes($".tinydocker-{Guid.NewGuid():N}");
}
