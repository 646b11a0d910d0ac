using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// Copies a file or a tree out of a container, never following a symlink (a link is copied as a
/// link), skipping device nodes, FIFOs and sockets, and giving every copy to one owner.
/// </summary>
internal static class FileTree
{
    public static void Copy(string source, string destination, uint uid, uint gid)
    {
        var info = new FileInfo(source);
        if (info.LinkTarget is { } link)
        {
            File.CreateSymbolicLink(destination, link);
        }
        else if (Directory.Exists(source))
        {
            Directory.CreateDirectory(destination);
            foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
            {
                Copy(entry.FullName, Path.Combine(destination, entry.Name), uid, gid);
            }
            File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
        }
        else if (info.Exists && IsRegular(info))
        {
            File.Copy(source, destination, overwrite: true);
        }
        else
        {
            return;
        }
        Sys.Lchown(destination, uid, gid);
    }

    private static bool IsRegular(FileInfo info)
        => (info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) == 0
           && !info.Attributes.HasFlag(FileAttributes.Directory)
           && FileKind(info.FullName) == 0x8000;

    private static unsafe int FileKind(string path)
    {
        Tmds.Linux.stat st;
        byte[] p = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* pp = p)
        {
            return Tmds.Linux.LibC.lstat(pp, &st) == 0 ? (int)(st.st_mode & 0xF000) : 0;
        }
    }
}
