// Metadata of a container-controlled file, read through a descriptor the caller already holds
// (O_PATH|O_NOFOLLOW): nothing here resolves a name the container chose (Images/LayerCommitter).
using System.Runtime.InteropServices;
using System.Text;

namespace TinyDocker.Runtime.Interop;

/// <summary>What fstat says of one inode: type and mode bits, owner, size, allocated 512-byte blocks, mtime, device.</summary>
internal readonly record struct InodeInfo(uint Mode, uint Uid, uint Gid, long Size, long Blocks, long MtimeSeconds, ulong Rdev);

internal static unsafe partial class Sys
{
    [LibraryImport(Libc, EntryPoint = "listxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint listxattr_(string path, byte* list, nuint size);

    [LibraryImport(Libc, EntryPoint = "getxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint getxattr_(string path, string name, byte* value, nuint size);

    public static InodeInfo Inode(FileDescriptor fd, string what)
    {
        Tmds.Linux.stat st;
        Check(Tmds.Linux.LibC.fstat(fd.Value, &st), "fstat", what);
        return new InodeInfo((uint)st.st_mode, (uint)st.st_uid, (uint)st.st_gid, st.st_size, st.st_blocks, st.st_mtim.tv_sec, st.st_rdev);
    }

    /// <summary>
    /// Every extended attribute of the inode an O_PATH descriptor holds (through /proc/self/fd/N,
    /// our own descriptor table: the inode already opened, whatever its name is now). Names are
    /// those the kernel lists; a value that grows between the two calls is read again.
    /// </summary>
    public static Dictionary<string, byte[]> Xattrs(FileDescriptor pathFd, string what)
    {
        string path = $"/proc/self/fd/{pathFd.Value}";
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var list = new byte[65536];
        nint n;
        fixed (byte* l = list)
        {
            n = listxattr_(path, l, (nuint)list.Length);
        }
        if (n < 0)
        {
            return LastErrno is Errno.ENOTSUP ? result : throw new SyscallException("listxattr", what, LastErrno);
        }
        foreach (var name in Encoding.UTF8.GetString(list, 0, (int)n).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var value = new byte[65536];
            fixed (byte* v = value)
            {
                nint len = getxattr_(path, name, v, (nuint)value.Length);
                if (len < 0)
                {
                    if (LastErrno == Errno.ENODATA)
                    {
                        continue; // removed in between
                    }
                    throw new SyscallException("getxattr", $"{what} ({name})", LastErrno);
                }
                result[name] = value.AsSpan(0, (int)len).ToArray();
            }
        }
        return result;
    }
}
