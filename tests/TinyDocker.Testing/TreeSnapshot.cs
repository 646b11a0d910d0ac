using System.Security.Cryptography;

namespace TinyDocker.Testing;

/// <summary>A directory tree as text: every path with its type, mode, owner, size and content hash.</summary>
public static class TreeSnapshot
{
    public static string Of(string root)
    {
        var lines = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions
                 { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false }).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            string rel = Path.GetRelativePath(root, entry.FullName);
            string kind = entry.LinkTarget is { } target ? $"link->{target}" : entry is DirectoryInfo ? "dir" : "file";
            string hash = kind == "file" ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.FullName))) : "";
            lines.Add($"{rel} {kind} {Convert.ToString((int)entry.UnixFileMode, 8)} {hash}");
        }
        return string.Join('\n', lines);
    }
}
