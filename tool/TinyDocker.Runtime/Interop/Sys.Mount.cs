using System.Runtime.InteropServices;
using TinyDocker.Runtime.Security;

namespace TinyDocker.Runtime.Interop;

/// <summary>mount_setattr(2) (Linux 5.12): attributes for a whole mount tree in one call; mounts onto descriptors.</summary>
internal static unsafe partial class Sys
{
    private const int AT_FDCWD = -100, AT_RECURSIVE = 0x8000, AT_EMPTY_PATH = 0x1000;
    private const ulong MOUNT_ATTR_RDONLY = 0x1, MOUNT_ATTR_NODEV = 0x4;

    [StructLayout(LayoutKind.Sequential)]
    private struct MountAttr
    {
        public ulong AttrSet, AttrClr, Propagation, UsernsFd;
    }

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall_mount_setattr(long number, int dirfd, string path, uint flags, MountAttr* attr, nuint size);

    /// <summary>
    /// Makes a mount and every mount below it read-only (a plain remount would leave submounts
    /// writable), on the mount a descriptor was opened on. The descriptor must be opened after the
    /// mount was made: one opened before it names the mount underneath.
    /// </summary>
    public static void SetReadOnlyRecursive(FileDescriptor mount, string shown) => SetAttributesRecursive(mount, readOnly: true, noDev: false, shown);

    /// <summary>
    /// Makes the one mount a descriptor was opened on read-only, its submounts as they are, and
    /// every other attribute kept. A bind remount (`MS_REMOUNT|MS_BIND|MS_RDONLY`) would instead set
    /// the mount's flags to exactly those given, dropping the root's nodev and nosuid.
    /// </summary>
    public static void SetReadOnly(FileDescriptor mount, string shown) => SetAttr(mount.Value, MOUNT_ATTR_RDONLY, recursive: false, "MOUNT_ATTR_RDONLY", shown);

    /// <summary>Read-only, nodev or both, on a mount tree a descriptor was opened on, in one call.</summary>
    public static void SetAttributesRecursive(FileDescriptor mount, bool readOnly, bool noDev, string shown)
        => SetAttr(mount.Value, (readOnly ? MOUNT_ATTR_RDONLY : 0) | (noDev ? MOUNT_ATTR_NODEV : 0), recursive: true,
            readOnly && noDev ? "MOUNT_ATTR_RDONLY|MOUNT_ATTR_NODEV" : readOnly ? "MOUNT_ATTR_RDONLY" : "MOUNT_ATTR_NODEV", shown);

    /// <summary>
    /// mount(2) onto the file a descriptor holds, through its /proc/self/fd link (as runc does): the
    /// kernel mounts on that very inode, whatever its path resolves to by now. <paramref name="shown"/>
    /// names the target in errors.
    /// </summary>
    public static void MountOn(string? source, FileDescriptor target, string? fsType, ulong flags, string? data, string shown)
        => Check(mount_(source, ProcFd(target), fsType, flags, data), $"mount {fsType ?? "bind"}", shown);

    /// <summary>A bind mount of the file one descriptor holds onto the file another holds.</summary>
    public static void BindOn(FileDescriptor source, FileDescriptor target, ulong flags, string shown)
        => Check(mount_(ProcFd(source), ProcFd(target), null, flags, null), "mount bind", shown);

    private static string ProcFd(FileDescriptor fd) => $"/proc/self/fd/{fd.Value}";

    private static void SetAttr(int fd, ulong set, bool recursive, string what, string shown)
    {
        var attr = new MountAttr { AttrSet = set };
        uint flags = (recursive ? (uint)AT_RECURSIVE : 0) | AT_EMPTY_PATH;
        if (syscall_mount_setattr(SyscallTable.ForThisProcess("mount_setattr"), fd, "", flags, &attr, (nuint)sizeof(MountAttr)) < 0)
        {
            throw new SyscallException($"mount_setattr({what})", shown, LastErrno);
        }
    }
}
