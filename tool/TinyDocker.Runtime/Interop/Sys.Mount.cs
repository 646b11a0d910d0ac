using System.Runtime.InteropServices;
using TinyDocker.Runtime.Security;

namespace TinyDocker.Runtime.Interop;

/// <summary>mount_setattr(2) (Linux 5.12): attributes for a whole mount tree in one call.</summary>
internal static unsafe partial class Sys
{
    private const int AT_FDCWD = -100, AT_RECURSIVE = 0x8000;
    private const ulong MOUNT_ATTR_RDONLY = 0x1, MOUNT_ATTR_NODEV = 0x4;

    [StructLayout(LayoutKind.Sequential)]
    private struct MountAttr
    {
        public ulong AttrSet, AttrClr, Propagation, UsernsFd;
    }

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall_mount_setattr(long number, int dirfd, string path, uint flags, MountAttr* attr, nuint size);

    /// <summary>Makes a mount and every mount below it read-only (a plain remount would leave submounts writable).</summary>
    public static void SetReadOnlyRecursive(string path) => SetAttrRecursive(path, MOUNT_ATTR_RDONLY, "MOUNT_ATTR_RDONLY");

    /// <summary>Makes a mount and every mount below it ignore device nodes.</summary>
    public static void SetNoDevRecursive(string path) => SetAttrRecursive(path, MOUNT_ATTR_NODEV, "MOUNT_ATTR_NODEV");

    private static void SetAttrRecursive(string path, ulong set, string what)
    {
        var attr = new MountAttr { AttrSet = set };
        if (syscall_mount_setattr(SyscallTable.ForThisProcess("mount_setattr"), AT_FDCWD, path, AT_RECURSIVE, &attr, (nuint)sizeof(MountAttr)) < 0)
        {
            throw new SyscallException($"mount_setattr({what})", path, LastErrno);
        }
    }
}
