namespace TinyDocker.Runtime.Mounts;

/// <summary>
/// One step of preparing a container's filesystem. A path marked <c>InRoot</c> is a path
/// inside the container, resolved under the new root with symlinks confined to it; any other
/// path is a host path in the container's own mount namespace.
/// </summary>
public abstract record MountOp;

/// <summary>Make a mount and everything below it private, so nothing propagates to or from the host.</summary>
public sealed record MakePrivate(string Path) : MountOp;

/// <summary>Create a directory (and its parents) if missing.</summary>
public sealed record MakeDir(string Path, bool InRoot, uint Mode = 0b111_101_101) : MountOp;

/// <summary>Mount a filesystem of <c>FsType</c> (tmpfs, overlay, proc, sysfs, devpts, mqueue).</summary>
public sealed record MountFs(string FsType, string Source, string Target, bool InRoot, MountFlags Flags, string? Data) : MountOp;

/// <summary>Create a character device node inside the root.</summary>
public sealed record MakeCharDevice(string Path, uint Major, uint Minor, uint Mode) : MountOp;

/// <summary>Create a symbolic link inside the root.</summary>
public sealed record MakeSymlink(string Path, string Target) : MountOp;

/// <summary>
/// Bind-mount a host file or directory (and everything mounted below it) into the root;
/// read-only applies to the submounts too.
/// </summary>
public sealed record BindMount(string Source, string Target, bool ReadOnly, bool NoDev = false) : MountOp;

/// <summary>
/// Bind a host device node (e.g. /dev/null) onto an empty file made at <c>Path</c> inside the
/// root, as bubblewrap does: /dev itself can then be nodev, so a node the container makes with
/// mknod gives no access, while the bound nodes keep working (their mount is the host's /dev).
/// </summary>
public sealed record BindDevice(string HostPath, string Path) : MountOp;

/// <summary>
/// Hide a path inside the root when it exists: /dev/null over a file, an empty read-only tmpfs
/// over a directory (runc's maskedPaths).
/// </summary>
public sealed record MaskPath(string Path) : MountOp;

/// <summary>
/// Make a path inside the root, and every mount below it, read-only when it exists. Unless it is
/// a mount point already (<c>BindFirst</c> false), it is bound onto itself first, so only that
/// subtree changes (runc's readonlyPaths).
/// </summary>
public sealed record ReadOnlyPath(string Path, bool BindFirst = true) : MountOp;

/// <summary>Make one mount read-only, leaving the mounts below it as they are.</summary>
public sealed record RemountReadOnly(string Target, bool InRoot) : MountOp;

/// <summary>Make <c>NewRoot</c> the root and detach the old one entirely.</summary>
public sealed record PivotRoot(string NewRoot) : MountOp;

[Flags]
public enum MountFlags : ulong
{
    None = 0,
    ReadOnly = 1,
    NoSuid = 2,
    NoDev = 4,
    NoExec = 8,
    Remount = 32,
    Bind = 4096,
    Recursive = 16384,
    StrictAtime = 1 << 24,
}
