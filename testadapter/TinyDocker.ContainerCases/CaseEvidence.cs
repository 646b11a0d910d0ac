using System.Formats.Tar;

namespace TinyDocker.TestAdapter;

/// <summary>
/// A failed case's filesystem evidence, made on the host from the upper layer the CLI saved
/// (--keep-upper: `root/` the image's side, `shared/` the project directory's): `changes.txt`, what
/// it added or changed (A/C, as `tinydocker diff`) and deleted (D); and with KeepChangesOnFailure,
/// `upper.tar`, the layer itself. The layer is container-controlled: it is walked without following
/// a link, archived with links as links, and never extracted.
/// </summary>
internal static class CaseEvidence
{
    public const string ChangesFile = "changes.txt";
    public const string UpperTarball = "upper.tar";

    public static IReadOnlyList<string> Collect(string keptUpper, string evidenceDir, ContainerCase c, string resultsMount)
    {
        if (!Directory.Exists(keptUpper))
        {
            return [];
        }
        Directory.CreateDirectory(evidenceDir);
        string tar = Path.Combine(keptUpper + ".tar");
        Archive(keptUpper, tar);
        var changes = List(tar, c, resultsMount);
        string listing = Path.Combine(evidenceDir, ChangesFile);
        File.WriteAllLines(listing, changes.Count > 0 ? changes : ["(no changes)"]);
        if (!c.KeepChangesOnFailure)
        {
            File.Delete(tar);
            return [listing];
        }
        string kept = Path.Combine(evidenceDir, UpperTarball);
        File.Move(tar, kept, overwrite: true);
        return [listing, kept];
    }

    private static void Archive(string dir, string tar)
    {
        using var stream = File.Create(tar);
        using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        foreach (var entry in HostTree.Walk(dir))
        {
            // lstat, not stat: a symlink is written as a link; a whiteout as the 0/0 device it is.
            writer.WriteEntry(entry.FullName, Path.GetRelativePath(dir, entry.FullName));
        }
    }

    /// <summary>One `K /path` line per entry of the archive; K as `tinydocker diff` prints it.</summary>
    private static List<string> List(string tar, ContainerCase c, string resultsMount)
    {
        var lines = new List<(string Path, char Kind)>();
        using var stream = File.OpenRead(tar);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            string name = entry.Name.TrimEnd('/');
            int slash = name.IndexOf('/');
            string side = slash < 0 ? name : name[..slash], rest = slash < 0 ? "" : name[slash..];
            if (rest.Length == 0)
            {
                continue;
            }
            string path = side == "shared" ? c.ProjectDir.TrimEnd('/') + rest : rest;
            if (side == "root" && (path == resultsMount || (c.ProjectDir.StartsWith(path + "/", StringComparison.Ordinal) && entry.EntryType == TarEntryType.Directory)))
            {
                continue; // made by the container's setup (a mount point), not by the case
            }
            // Whether it existed before is known for the two lowers the host has: its root (no Image) and the project directory.
            bool knownLower = side == "shared" || c.Image is null;
            char kind = entry.EntryType == TarEntryType.CharacterDevice ? 'D'
                : knownLower && Path.Exists(path) ? 'C'
                : 'A';
            lines.Add((path, kind));
        }
        return lines.OrderBy(l => l.Path, StringComparer.Ordinal).Select(l => $"{l.Kind} {l.Path}").ToList();
    }
}
