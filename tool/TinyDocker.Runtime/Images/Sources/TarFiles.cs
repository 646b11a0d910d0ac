using System.Formats.Tar;

namespace TinyDocker.Runtime.Images.Sources;

/// <summary>
/// An uncompressed tar (docker-archive, oci-archive) read in place: one pass records where each
/// file's data starts, then a file is a window on the archive. Nothing is copied out.
/// </summary>
internal sealed class TarFiles : IArchiveFiles
{
    private readonly string _path;
    private readonly Dictionary<string, (long Offset, long Length)> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);

    public TarFiles(string path)
    {
        _path = path;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            using var reader = new TarReader(stream, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                string name = LayerPathName.Normalize(entry.Name);
                switch (entry.EntryType)
                {
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        _files[name] = (entry.DataOffset, entry.Length);
                        break;
                    case TarEntryType.SymbolicLink:
                        // docker save links a repeated layer to its first copy: ../HEX/layer.tar
                        _links[name] = Combine(name, entry.LinkName);
                        break;
                    case TarEntryType.HardLink:
                        _links[name] = LayerPathName.Normalize(entry.LinkName);
                        break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new TinyDockerException($"`{path}`: corrupt or truncated archive ({e.Message.TrimEnd('.')})", inner: e);
        }
    }

    public bool Exists(string path) => Find(path) is not null;

    public Stream Open(string path)
    {
        var (offset, length) = Find(path) ?? throw new TinyDockerException($"`{path}` is missing from `{_path}`");
        var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        file.Position = offset;
        return new WindowStream(file, length);
    }

    private (long, long)? Find(string path)
    {
        string name = LayerPathName.Normalize(path);
        for (int hops = 0; hops < 8; hops++)
        {
            if (_files.TryGetValue(name, out var window))
            {
                return window;
            }
            if (!_links.TryGetValue(name, out var next))
            {
                return null;
            }
            name = next;
        }
        return null;
    }

    private static string Combine(string linkName, string target)
    {
        int slash = linkName.LastIndexOf('/');
        string joined = target.StartsWith('/') ? target : (slash < 0 ? target : linkName[..slash] + "/" + target);
        var parts = new List<string>();
        foreach (var p in joined.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (p != ".")
            {
                parts.Add(p);
            }
        }
        return string.Join('/', parts);
    }

    public void Dispose() { }
}
