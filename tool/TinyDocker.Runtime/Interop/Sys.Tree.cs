// Descriptor-relative file calls for writing container-controlled trees on the host (Host/SafeTreeWriter):
// names are raw bytes (a name need not be UTF-8), every lookup is one component beneath a directory
// descriptor, and none of them follows a symlink.
using System.Runtime.InteropServices;
using TinyDocker.Runtime.Security;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Interop;

internal static unsafe partial class Sys
{
    /// <summary>openat2's RESOLVE_* flags.</summary>
    public const ulong ResolveNoMagicLinks = 0x02, ResolveNoSymlinks = 0x04, ResolveBeneath = 0x08, ResolveInRoot = 0x10;

    /// <summary>A lookup that stays beneath its directory and follows no link of any kind: for trees a container wrote.</summary>
    public const ulong ResolveConfined = ResolveBeneath | ResolveNoSymlinks | ResolveNoMagicLinks;

    public const int AT_REMOVEDIR = 0x200;
    private static readonly long SYS_openat2 = SyscallTable.ForThisProcess("openat2");

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall_openat2(long number, int dirfd, byte* path, ulong* how, nuint size);

    [LibraryImport(Libc, EntryPoint = "mkdirat", SetLastError = true)]
    private static partial int mkdirat_(int dirfd, byte* name, uint mode);

    [LibraryImport(Libc, EntryPoint = "unlinkat", SetLastError = true)]
    private static partial int unlinkat_(int dirfd, byte* name, int flags);

    [LibraryImport(Libc, EntryPoint = "symlinkat", SetLastError = true)]
    private static partial int symlinkat_(byte* target, int dirfd, byte* name);

    [LibraryImport(Libc, EntryPoint = "readlinkat", SetLastError = true)]
    private static partial nint readlinkat_(int dirfd, byte* name, byte* buf, nuint size);

    [LibraryImport(Libc, EntryPoint = "fchownat", SetLastError = true)]
    private static partial int fchownat_(int dirfd, byte* name, uint uid, uint gid, int flags);

    [LibraryImport(Libc, EntryPoint = "mknodat", SetLastError = true)]
    private static partial int mknodat_(int dirfd, byte* name, uint mode, ulong dev);

    [LibraryImport(Libc, EntryPoint = "renameat", SetLastError = true)]
    private static partial int renameat_(int olddirfd, byte* oldName, int newdirfd, byte* newName);

    [LibraryImport(Libc, EntryPoint = "getdents64", SetLastError = true)]
    private static partial nint getdents64_(int fd, byte* buf, nuint size);

    [LibraryImport(Libc, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint realpath_(string path, byte* resolved);

    [LibraryImport(Libc, EntryPoint = "fstatfs", SetLastError = true)]
    private static partial int fstatfs_(int fd, long* buf);

    [LibraryImport(Libc, EntryPoint = "fchmod", SetLastError = true)]
    private static partial int fchmod_(int fd, uint mode);

    [LibraryImport(Libc, EntryPoint = "fchown", SetLastError = true)]
    private static partial int fchown_(int fd, uint uid, uint gid);

    /// <summary>A NUL-terminated copy of a name, for the *at calls.</summary>
    public static byte[] CName(ReadOnlySpan<byte> name)
    {
        var bytes = new byte[name.Length + 1];
        name.CopyTo(bytes);
        return bytes;
    }

    /// <summary>
    /// openat2(2); returns the descriptor or -errno, so that callers can tell "not there" and "a link" apart.
    /// EAGAIN is tried again: with RESOLVE_IN_ROOT and a ".." on the way, the kernel answers it when any
    /// rename or mount on the machine raced the lookup (it cannot prove the ".." stayed inside), and a
    /// retry is what it asks for; a final CI run met it once while other tests mounted beside it.
    /// </summary>
    public static int TryOpenat2(int dirfd, ReadOnlySpan<byte> path, int flags, ulong resolve, uint mode = 0)
    {
        const int Attempts = 128;
        ulong* how = stackalloc ulong[3];
        how[0] = (ulong)(uint)(flags | O_CLOEXEC);
        how[1] = mode;
        how[2] = resolve;
        fixed (byte* p = CName(path))
        {
            for (int attempt = 1; ; attempt++)
            {
                long fd = syscall_openat2(SYS_openat2, dirfd, p, how, 24);
                int errno = fd >= 0 ? 0 : LastErrno;
                if (fd >= 0 || (errno is not (Errno.EAGAIN or Errno.EINTR)) || attempt == Attempts)
                {
                    return fd >= 0 ? (int)fd : -errno;
                }
            }
        }
    }

    public static FileDescriptor Openat2(int dirfd, ReadOnlySpan<byte> path, int flags, ulong resolve, string what, uint mode = 0)
    {
        int fd = TryOpenat2(dirfd, path, flags, resolve, mode);
        return fd >= 0 ? new FileDescriptor(fd) : throw new SyscallException("openat2", what, -fd);
    }

    /// <summary>open(2) of a path; the descriptor or -errno.</summary>
    public static int TryOpen(string path, int flags, uint mode = 0)
    {
        int fd = open_(path, flags | O_CLOEXEC, mode);
        return fd >= 0 ? fd : -LastErrno;
    }

    /// <summary>Opens a host path the user named (symlinks in it followed: it is theirs).</summary>
    public static FileDescriptor OpenPath(string path, int flags) => new(Open(path, flags));

    /// <summary>Opens again, with other flags, the object an O_PATH descriptor refers to (the same inode, whatever its name is now).</summary>
    public static FileDescriptor Reopen(FileDescriptor pathFd, int flags, string what)
    {
        int fd = open_($"/proc/self/fd/{pathFd.Value}", flags | O_CLOEXEC, 0);
        return fd >= 0 ? new FileDescriptor(fd) : throw new SyscallException("open", what, LastErrno);
    }

    /// <summary>fstat(2): the file type and mode bits, the device number it stands for, and its size.</summary>
    public static (uint Mode, ulong Rdev, long Size) Fstat(FileDescriptor fd, string what)
    {
        Tmds.Linux.stat st;
        Check(fstat(fd.Value, &st), "fstat", what);
        return ((uint)st.st_mode, st.st_rdev, st.st_size);
    }

    /// <summary>The filesystem type (statfs f_type, e.g. PROC_SUPER_MAGIC) of the file a descriptor refers to.</summary>
    public static long FilesystemType(FileDescriptor fd, string what)
    {
        long* buf = stackalloc long[16]; // struct statfs: f_type is its first word
        Check(fstatfs_(fd.Value, buf), "fstatfs", what);
        return buf[0];
    }

    public static int TryMkdirat(FileDescriptor dir, ReadOnlySpan<byte> name, uint mode)
    {
        fixed (byte* p = CName(name))
        {
            return mkdirat_(dir.Value, p, mode) == 0 ? 0 : LastErrno;
        }
    }

    public static int TryUnlinkat(FileDescriptor dir, ReadOnlySpan<byte> name, int flags = 0)
    {
        fixed (byte* p = CName(name))
        {
            return unlinkat_(dir.Value, p, flags) == 0 ? 0 : LastErrno;
        }
    }

    public static int TrySymlinkat(ReadOnlySpan<byte> target, FileDescriptor dir, ReadOnlySpan<byte> name)
    {
        fixed (byte* t = CName(target))
        fixed (byte* p = CName(name))
        {
            return symlinkat_(t, dir.Value, p) == 0 ? 0 : LastErrno;
        }
    }

    /// <summary>The target of the symlink an O_PATH|O_NOFOLLOW descriptor refers to, as bytes.</summary>
    public static byte[] ReadLink(FileDescriptor link, string what)
    {
        var buf = new byte[4097];
        fixed (byte* b = buf)
        {
            byte empty = 0;
            nint n = readlinkat_(link.Value, &empty, b, (nuint)buf.Length);
            if (n < 0)
            {
                throw new SyscallException("readlinkat", what, LastErrno);
            }
            return buf.AsSpan(0, (int)n).ToArray();
        }
    }

    /// <summary>The target of the link a name in a directory is, or null when the name is no link (or absent).</summary>
    public static string? TryReadLinkAt(FileDescriptor dir, ReadOnlySpan<byte> name)
    {
        var buf = new byte[4097];
        fixed (byte* p = CName(name))
        fixed (byte* b = buf)
        {
            nint n = readlinkat_(dir.Value, p, b, (nuint)buf.Length);
            return n < 0 ? null : System.Text.Encoding.UTF8.GetString(buf, 0, (int)n);
        }
    }

    /// <summary>fchownat with AT_SYMLINK_NOFOLLOW: for a link or a node that has no descriptor of its own.</summary>
    public static int TryLchownat(FileDescriptor dir, ReadOnlySpan<byte> name, uint uid, uint gid)
    {
        fixed (byte* p = CName(name))
        {
            return fchownat_(dir.Value, p, uid, gid, 0x100) == 0 ? 0 : LastErrno;
        }
    }

    public static int TryMknodat(FileDescriptor dir, ReadOnlySpan<byte> name, uint mode, ulong dev)
    {
        fixed (byte* p = CName(name))
        {
            return mknodat_(dir.Value, p, mode, dev) == 0 ? 0 : LastErrno;
        }
    }

    public static int TryRenameat(FileDescriptor dir, ReadOnlySpan<byte> oldName, ReadOnlySpan<byte> newName)
    {
        fixed (byte* o = CName(oldName))
        fixed (byte* n = CName(newName))
        {
            return renameat_(dir.Value, o, dir.Value, n) == 0 ? 0 : LastErrno;
        }
    }

    public static int TryFchmod(FileDescriptor fd, uint mode) => fchmod_(fd.Value, mode) == 0 ? 0 : LastErrno;

    public static int TryFchown(FileDescriptor fd, uint uid, uint gid) => fchown_(fd.Value, uid, gid) == 0 ? 0 : LastErrno;

    /// <summary>The names in a directory (without . and ..), as bytes, read with getdents64.</summary>
    public static List<byte[]> ReadDirectory(FileDescriptor dir, string what)
    {
        var names = new List<byte[]>();
        var buf = new byte[32768];
        fixed (byte* b = buf)
        {
            while (true)
            {
                nint n = getdents64_(dir.Value, b, (nuint)buf.Length);
                if (n < 0)
                {
                    throw new SyscallException("getdents64", what, LastErrno);
                }
                if (n == 0)
                {
                    return names;
                }
                for (nint off = 0; off < n;)
                {
                    // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
                    ushort reclen = *(ushort*)(b + off + 16);
                    var name = new ReadOnlySpan<byte>(b + off + 19, reclen - 19);
                    name = name[..name.IndexOf((byte)0)];
                    if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
                    {
                        names.Add(name.ToArray());
                    }
                    off += reclen;
                }
            }
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length; returns the count (0 at end) or -errno.</summary>
    public static long TryRead(FileDescriptor fd, Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            while (true)
            {
                long n = read(fd.Value, b, (size_t)buffer.Length);
                if (n >= 0 || LastErrno != Errno.EINTR)
                {
                    return n >= 0 ? n : -LastErrno;
                }
            }
        }
    }

    /// <summary>Writes all of <paramref name="data"/>; 0 or the errno that stopped it (ENOSPC, EIO).</summary>
    public static int TryWriteAll(FileDescriptor fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* b = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                long n = write(fd.Value, b + done, (size_t)(data.Length - done));
                if (n < 0)
                {
                    if (LastErrno == Errno.EINTR)
                    {
                        continue;
                    }
                    return LastErrno;
                }
                done += (int)n;
            }
        }
        return 0;
    }

    /// <summary>realpath(3): every symlink resolved; the path itself (made absolute) when it does not exist.</summary>
    public static string RealPath(string path)
    {
        byte* buf = stackalloc byte[4097];
        return realpath_(path, buf) == 0
            ? Path.GetFullPath(path)
            : System.Text.Encoding.UTF8.GetString(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(buf));
    }
}
