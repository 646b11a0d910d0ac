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

    /// <summary>Makes a mount and every mount below it read-only (a plain remount would leave submounts writable).</summary>
    public static void SetReadOnlyRecursive(string path) => SetAttrRecursive(path, MOUNT_ATTR_RDONLY, "MOUNT_ATTR_RDONLY");

    /// <summary>Makes a mount and every mount below it ignore device nodes.</summary>
    public static void SetNoDevRecursive(string path) => SetAttrRecursive(path, MOUNT_ATTR_NODEV, "MOUNT_ATTR_NODEV");

    /// <summary>
    /// The same, on the mount a descriptor was opened on. The descriptor must be opened after the
    /// mount was made: one opened before it names the mount underneath.
    /// </summary>
    public static void SetReadOnlyRecursive(FileDescriptor mount, string shown) => SetAttrRecursive(mount.Value, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, "MOUNT_ATTR_RDONLY", shown);

    public static void SetNoDevRecursive(FileDescriptor mount, string shown) => SetAttrRecursive(mount.Value, "", AT_EMPTY_PATH, MOUNT_ATTR_NODEV, "MOUNT_ATTR_NODEV", shown);

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

    private static void SetAttrRecursive(string path, ulong set, string what) => SetAttrRecursive(AT_FDCWD, path, 0, set, what, path);

    private static void SetAttrRecursive(int dirfd, string path, uint flags, ulong set, string what, string shown)
    {
        var attr = new MountAttr { AttrSet = set };
        if (syscall_mount_setattr(SyscallTable.ForThisProcess("mount_setattr"), dirfd, path, AT_RECURSIVE | flags, &attr, (nuint)sizeof(MountAttr)) < 0)
        {
            throw new SyscallException($"mount_setattr({what})", shown, LastErrno);
        }
    }
}
