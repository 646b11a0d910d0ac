// Filesystem calls layer extraction needs (lchown is in Sys.cs): none of them follows a symlink in the last
// component (lchown, lsetxattr, utimensat with AT_SYMLINK_NOFOLLOW, lstat), so an entry
// can never act on whatever a symlink inside a layer points at.
using System.Runtime.InteropServices;
using System.Text;

namespace TinyDocker.Runtime.Interop;

internal static unsafe partial class Sys
{
    public const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xA000,
        S_IFBLK = 0x6000, S_IFIFO = 0x1000;

    private const int AT_SYMLINK_NOFOLLOW = 0x100;

    [LibraryImport(Libc, EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chmod_(string path, uint mode);

    [LibraryImport(Libc, EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lsetxattr_(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport(Libc, EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint lgetxattr_(string path, string name, byte* value, nuint size);

    [LibraryImport(Libc, EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int utimensat_(int dirfd, string path, long* times, int flags);

    [LibraryImport(Libc, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link_(string oldPath, string newPath);

    [LibraryImport(Libc, EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename_(string oldPath, string newPath);

    [LibraryImport(Libc, EntryPoint = "isatty")]
    private static partial int isatty_(int fd);

    /// <summary>chmod(2) on a path whose last component the caller made itself (never a symlink).</summary>
    public static void Chmod(string path, uint mode) => Check(chmod_(path, mode), "chmod", path);

    public static void Lsetxattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            Check(lsetxattr_(path, name, p, (nuint)value.Length, 0), $"lsetxattr {name}", path);
        }
    }

    /// <summary>The value of an extended attribute, or null when the file does not have it.</summary>
    public static byte[]? Lgetxattr(string path, string name)
    {
        byte* buf = stackalloc byte[4096];
        nint n = lgetxattr_(path, name, buf, 4096);
        return n < 0 ? null : new ReadOnlySpan<byte>(buf, (int)n).ToArray();
    }

    /// <summary>Sets access and modification times without following a symlink in the last component.</summary>
    public static void SetTimes(string path, DateTimeOffset access, DateTimeOffset modified)
    {
        long* ts = stackalloc long[4];
        ToTimespec(access, ts);
        ToTimespec(modified, ts + 2);
        Check(utimensat_(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    private static void ToTimespec(DateTimeOffset t, long* ts)
    {
        long ticks = (t.UtcDateTime - DateTime.UnixEpoch).Ticks;
        ts[0] = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rem);
        if (rem < 0)
        {
            ts[0]--;
            rem += TimeSpan.TicksPerSecond;
        }
        ts[1] = rem * 100;
    }

    public static void Link(string existing, string newPath) => Check(link_(existing, newPath), "link", newPath);

    /// <summary>rename(2); returns the errno instead of throwing (0 on success) so callers can tell a lost race.</summary>
    public static int TryRename(string oldPath, string newPath) => rename_(oldPath, newPath) == 0 ? 0 : LastErrno;

    /// <summary>The file type bits of <paramref name="path"/> without following a final symlink; 0 when it does not exist.</summary>
    public static uint LstatType(string path)
    {
        Tmds.Linux.stat st;
        byte[] p = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* pp = p)
        {
            if (Tmds.Linux.LibC.lstat(pp, &st) != 0)
            {
                int errno = LastErrno;
                if (errno is Errno.ENOENT or Errno.ENOTDIR)
                {
                    return 0;
                }
                throw new SyscallException("lstat", path, errno);
            }
        }
        return (uint)st.st_mode & S_IFMT;
    }

    /// <summary>The type bits, permission bits and owner of <paramref name="path"/>, without following a final symlink; null when missing.</summary>
    public static (uint Type, uint Permissions, uint Uid)? LstatOwner(string path)
    {
        Tmds.Linux.stat st;
        byte[] p = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* pp = p)
        {
            if (Tmds.Linux.LibC.lstat(pp, &st) != 0)
            {
                int errno = LastErrno;
                return errno is Errno.ENOENT ? null : throw new SyscallException("lstat", path, errno);
            }
        }
        return ((uint)st.st_mode & S_IFMT, (uint)st.st_mode & 0xFFF, st.st_uid);
    }

    /// <summary>Device numbers of a character device (or 0/0 for anything else), without following symlinks.</summary>
    public static (uint Major, uint Minor) LstatDevice(string path)
    {
        Tmds.Linux.stat st;
        byte[] p = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* pp = p)
        {
            Check(Tmds.Linux.LibC.lstat(pp, &st), "lstat", path);
        }
        ulong dev = st.st_rdev;
        uint major = (uint)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
        uint minor = (uint)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
        return (major, minor);
    }

    /// <summary>Waits for a flock (retried on EINTR).</summary>
    public static void Flock(int fd, int operation, string path)
    {
        while (flock_(fd, operation) != 0)
        {
            if (LastErrno != Errno.EINTR)
            {
                throw new SyscallException("flock", path, LastErrno);
            }
        }
    }

    public static bool IsTerminal(int fd) => isatty_(fd) == 1;
}

internal static unsafe partial class Sys
{
    private const nuint NS_GET_USERNS = 0xb701;

    /// <summary>
    /// True when the namespace at <paramref name="nsPath"/> (a /proc/PID/ns/ link) is owned by the
    /// user namespace at <paramref name="userNsPath"/>: only namespaces made inside a user
    /// namespace are, and only over those does its root have capabilities.
    /// </summary>
    public static bool IsOwnedBy(string nsPath, string userNsPath)
    {
        int ns = Open(nsPath, Tmds.Linux.LibC.O_RDONLY);
        try
        {
            int owner = ioctl_(ns, NS_GET_USERNS, null);
            if (owner < 0 && LastErrno == Errno.EPERM)
            {
                return false; // the owner is outside this process's user namespace: an ancestor's
            }
            if (owner < 0)
            {
                throw new SyscallException("ioctl(NS_GET_USERNS)", nsPath, LastErrno);
            }
            try
            {
                Tmds.Linux.stat a, b;
                Check(Tmds.Linux.LibC.fstat(owner, &a), "fstat", nsPath);
                byte[] p = Encoding.UTF8.GetBytes(userNsPath + "\0");
                fixed (byte* pp = p)
                {
                    Check(Tmds.Linux.LibC.stat(pp, &b), "stat", userNsPath);
                }
                return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
            }
            finally
            {
                Close(owner);
            }
        }
        finally
        {
            Close(ns);
        }
    }
}
