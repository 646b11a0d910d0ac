// Runs in: the container's init, in the container's mount namespace before pivot_root (the mount
// plan and the command's lookup), and exec's helper after it joined that namespace (the lookup).
using System.Text;
using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Mounts;

/// <summary>How paths inside a container root are resolved.</summary>
public enum RootResolution
{
    /// <summary>openat2 where the kernel has it (5.6), else the walk.</summary>
    Auto,

    /// <summary>One openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) per path: the kernel confines every link to the root.</summary>
    Kernel,

    /// <summary><see cref="RootPath"/>'s component walk, one readlink per component (kernels without openat2).</summary>
    Walk,
}

/// <summary>
/// A container root held by a descriptor. Paths inside it open as the container will see them:
/// symlinks (absolute or relative) and <c>..</c> are followed but never out of the root, so an
/// image whose <c>/work</c> is a link to <c>/etc</c> cannot make the host's /etc a target. Callers
/// act on the descriptor (a mount goes onto /proc/self/fd/N), so no component can be swapped for
/// a link between the resolution and the use. Open it after every mount onto the root itself.
/// </summary>
internal sealed class ContainerRoot : IDisposable
{
    private const ulong InRoot = Sys.ResolveInRoot | Sys.ResolveNoMagicLinks;
    private static readonly int CreateFlags = O_RDONLY | O_CREAT | O_NOCTTY | O_NONBLOCK;
    private static volatile bool _noOpenat2;
    private readonly FileDescriptor _fd;

    public ContainerRoot(string path, RootResolution resolution = RootResolution.Auto)
    {
        Path = path;
        int fd = resolution == RootResolution.Walk || _noOpenat2
            ? -Errno.ENOSYS
            : Sys.TryOpenat2(AT_FDCWD, Encoding.UTF8.GetBytes(path), O_PATH | O_DIRECTORY, 0);
        if (fd == -Errno.ENOSYS && resolution != RootResolution.Kernel)
        {
            _noOpenat2 |= resolution == RootResolution.Auto;
            fd = Sys.TryOpen(path, O_PATH | O_DIRECTORY);
            Resolution = RootResolution.Walk;
        }
        else
        {
            Resolution = RootResolution.Kernel;
        }
        _fd = fd >= 0 ? new FileDescriptor(fd) : throw new SyscallException("open", path, -fd);
    }

    /// <summary>The root's host path (in this mount namespace).</summary>
    public string Path { get; }

    /// <summary>How this root resolves paths: Kernel or Walk.</summary>
    public RootResolution Resolution { get; }

    /// <summary>Opens a path inside the root; the descriptor or -errno (ENOENT: not there).</summary>
    public int TryOpen(string containerPath, int flags, uint mode = 0)
        => Resolution == RootResolution.Kernel
            ? Sys.TryOpenat2(_fd.Value, Encoding.UTF8.GetBytes(containerPath), flags, InRoot, mode)
            : Sys.TryOpen(RootPath.Resolve(Path, containerPath), flags | O_NOFOLLOW, mode);

    /// <summary>An O_PATH descriptor of a path inside the root, or null when it does not exist.</summary>
    public FileDescriptor? OpenIfExists(string containerPath)
    {
        int fd = TryOpen(containerPath, O_PATH);
        return fd >= 0 ? new FileDescriptor(fd) : fd == -Errno.ENOENT ? null : throw new SyscallException("open", containerPath, -fd);
    }

    /// <summary>An O_PATH descriptor of a path inside the root that must exist.</summary>
    public FileDescriptor Open(string containerPath) => OpenIfExists(containerPath) ?? throw new SyscallException("open", containerPath, Errno.ENOENT);

    /// <summary>Makes a directory and its missing parents (mkdir -p), each beneath its parent's descriptor.</summary>
    public void MakeDirs(string containerPath, uint mode)
    {
        using var _ = OpenDir(containerPath, mode, reopen: false);
    }

    /// <summary>A directory made if missing (parents too); an O_PATH descriptor of it.</summary>
    public FileDescriptor OpenDir(string containerPath, uint mode) => OpenDir(containerPath, mode, reopen: true)!;

    /// <summary>A file made empty if missing (parents as directories); a descriptor of it.</summary>
    public FileDescriptor OpenFile(string containerPath, uint mode) => OpenFile(containerPath, mode, 0);

    private FileDescriptor OpenFile(string containerPath, uint mode, int links)
    {
        int fd = TryOpen(containerPath, O_PATH);
        if (fd == -Errno.ENOENT)
        {
            // O_RDONLY: creating needs no write access, and an image's file opened for writing would be copied up.
            fd = TryOpen(containerPath, CreateFlags, mode);
            if (fd == -Errno.ENOENT)
            {
                var (parent, name) = Parent(containerPath);
                using (var dir = OpenDir(parent, 0b111_101_101, reopen: true, links)!)
                {
                    // A dangling link: made where it points, inside the root.
                    if (LinkTarget(dir, parent, name, ref links) is { } target)
                    {
                        return OpenFile(target, mode, links);
                    }
                }
                fd = TryOpen(containerPath, CreateFlags, mode);
            }
        }
        return fd >= 0 ? new FileDescriptor(fd) : throw new SyscallException("open", containerPath, -fd);
    }

    /// <summary>The descriptor of a path's parent directory (which must exist) and the path's last name.</summary>
    public (FileDescriptor Dir, byte[] Name) OpenParent(string containerPath)
    {
        var (parent, name) = Parent(containerPath);
        return (OpenDirectory(parent), Encoding.UTF8.GetBytes(name));
    }

    private FileDescriptor? OpenDir(string containerPath, uint mode, bool reopen, int links = 0)
    {
        int fd = TryOpen(containerPath, O_PATH | O_DIRECTORY);
        if (fd >= 0)
        {
            return new FileDescriptor(fd);
        }
        if (fd != -Errno.ENOENT)
        {
            throw new SyscallException("open", containerPath, -fd);
        }
        var (parent, name) = Parent(containerPath);
        using (var dir = OpenDir(parent, mode, reopen: true, links)!)
        {
            // "..": the parent's parent, which exists now; the kernel (or the walk) resolves it below.
            int errno = name == ".." ? 0 : Sys.TryMkdirat(dir, Encoding.UTF8.GetBytes(name), mode);
            if (errno == Errno.EEXIST && LinkTarget(dir, parent, name, ref links) is { } target)
            {
                return OpenDir(target, mode, reopen, links); // a dangling link: made where it points
            }
            if (errno != 0 && errno != Errno.EEXIST)
            {
                throw new SyscallException("mkdir", containerPath, errno);
            }
            if (!reopen && name != "..")
            {
                return null;
            }
        }
        return OpenDirectory(containerPath);
    }

    /// <summary>
    /// Where a link named <paramref name="name"/> in <paramref name="parent"/> points, as a path
    /// inside the root (the kernel's rules: absolute from the root, relative from its directory);
    /// null when the name is no link. At most 40 links, as the kernel.
    /// </summary>
    private static string? LinkTarget(FileDescriptor dir, string parent, string name, ref int links)
    {
        string? target = Sys.TryReadLinkAt(dir, Encoding.UTF8.GetBytes(name));
        if (target is null)
        {
            return null;
        }
        if (++links > 40)
        {
            throw new SyscallException("open", $"{parent.TrimEnd('/')}/{name}", Errno.ELOOP);
        }
        return target.StartsWith('/') ? target : $"{parent.TrimEnd('/')}/{target}";
    }

    private FileDescriptor OpenDirectory(string containerPath)
    {
        int fd = TryOpen(containerPath, O_PATH | O_DIRECTORY);
        return fd >= 0 ? new FileDescriptor(fd) : throw new SyscallException("open", containerPath, -fd);
    }

    /// <summary>Splits off the last name; the root's parent is the root (as the kernel has it).</summary>
    private static (string Path, string Name) Parent(string containerPath)
    {
        var parts = containerPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        return parts.Length == 0 ? ("/", "..") : ("/" + string.Join('/', parts[..^1]), parts[^1]);
    }

    public void Dispose() => _fd.Dispose();
}
