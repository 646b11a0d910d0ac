using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// Copies a file or a tree out of a container, never following a symlink (a link is copied as a
/// link), skipping device nodes, FIFOs and sockets — except overlay whiteouts (0/0 character
/// devices) when asked to keep them — and giving every copy to one owner.
/// </summary>
internal static class FileTree
{
    private const uint S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFDIR = 0x4000, S_IFLNK = 0xA000;

    public static void Copy(string source, string destination, uint uid, uint gid, bool keepWhiteouts = false)
    {
        var (mode, rdev) = Sys.Lstat(source);
        switch (mode & S_IFMT)
        {
            case S_IFLNK:
                File.CreateSymbolicLink(destination, new FileInfo(source).LinkTarget!);
                break;
            case S_IFDIR:
                Directory.CreateDirectory(destination);
                foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
                {
                    Copy(entry.FullName, Path.Combine(destination, entry.Name), uid, gid, keepWhiteouts);
                }
                File.SetUnixFileMode(destination, (UnixFileMode)(mode & 0xFFF));
                break;
            case S_IFREG:
                File.Copy(source, destination, overwrite: true);
                break;
            case Sys.S_IFCHR when keepWhiteouts && IsWhiteout(mode, rdev):
                Sys.Mknod(destination, Sys.S_IFCHR, 0);
                break;
            default:
                return;
        }
        Sys.Lchown(destination, uid, gid);
    }

    /// <summary>An overlay whiteout: a character device with device number 0/0.</summary>
    public static bool IsWhiteout(uint mode, ulong rdev) => (mode & S_IFMT) == Sys.S_IFCHR && rdev == 0;

    public static bool IsWhiteout(string path)
    {
        var (mode, rdev) = Sys.Lstat(path);
        return IsWhiteout(mode, rdev);
    }
}
