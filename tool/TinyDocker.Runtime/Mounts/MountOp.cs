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
public sealed record BindMount(string Source, string Target, bool ReadOnly) : MountOp;

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
