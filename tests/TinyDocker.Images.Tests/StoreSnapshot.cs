using System.Security.Cryptography;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Images.Tests;

/// <summary>
/// A tree as text, never following a symlink and never opening anything but regular files (a
/// layer holds FIFOs and whiteout devices): path, file type, mode, owner, and a hash of regular files.
/// </summary>
internal static class StoreSnapshot
{
    public static string Of(string root)
    {
        if (!Directory.Exists(root))
        {
            return "(absent)";
        }
        var lines = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions
                 { RecurseSubdirectories = true, AttributesToSkip = 0 }).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            uint type = Sys.LstatType(entry.FullName);
            string hash = type == Sys.S_IFREG ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.FullName))) : "";
            lines.Add($"{Path.GetRelativePath(root, entry.FullName)} {type:x} {Convert.ToString((int)entry.UnixFileMode, 8)} {hash}");
        }
        return string.Join('\n', lines);
    }
}
