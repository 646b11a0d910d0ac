namespace TinyDocker.TestAdapter;

/// <summary>
/// Walks a tree on the host whose content a container chose (copied-out results, a saved upper
/// layer): every entry, but no symlink is ever followed, so a link to `/` cannot make the walk
/// read or list the host.
/// </summary>
internal static class HostTree
{
    public static IEnumerable<FileSystemInfo> Walk(string dir)
    {
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            yield return entry;
            if (entry is DirectoryInfo && entry.LinkTarget is null)
            {
                foreach (var inner in Walk(entry.FullName))
                {
                    yield return inner;
                }
            }
        }
    }
}
