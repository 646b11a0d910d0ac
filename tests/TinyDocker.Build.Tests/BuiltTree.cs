namespace TinyDocker.Build.Tests;

/// <summary>
/// The tree's own build output of the CLI and its runtime (bin/ of the configuration, without RID
/// subdirectories, and the assets files), each file as path, size and write time. A
/// pack must leave it as it was: the suites that run after it (and the rootless pass's copy of
/// the tree) use that build.
/// </summary>
internal static class BuiltTree
{
    public static IReadOnlyList<string> Snapshot()
    {
        var files = new List<string>();
        foreach (string project in new[] { "TinyDocker.Cli", "TinyDocker.Runtime" })
        {
            string dir = Path.Combine(RepoPaths.Root, "tool", project);
            foreach (string sub in new[] { "bin" })
            {
                string output = Path.Combine(dir, sub, RepoPaths.Configuration, "net10.0");
                if (Directory.Exists(output))
                {
                    files.AddRange(Directory.GetFiles(output).Select(Describe));
                }
            }
            string assets = Path.Combine(dir, "obj", "project.assets.json");
            if (File.Exists(assets))
            {
                files.Add(Describe(assets));
            }
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static string Describe(string file)
    {
        var info = new FileInfo(file);
        return $"{Path.GetRelativePath(RepoPaths.Root, file)} {info.Length} {info.LastWriteTimeUtc:O}";
    }
}
