using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace TinyDocker.Images.Tests;

/// <summary>Writes a layer tar entry by entry, in the order given (PAX format, numeric owners).</summary>
internal sealed class LayerBuilder
{
    public static readonly DateTimeOffset Time = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly List<TarEntry> _entries = [];

    public LayerBuilder Dir(string name, UnixFileMode mode = (UnixFileMode)0b111_101_101, int uid = 0, int gid = 0)
        => Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode, Uid = uid, Gid = gid, ModificationTime = Time });

    public LayerBuilder File(string name, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100, int uid = 0, int gid = 0,
        IReadOnlyDictionary<string, string>? pax = null)
        => File(name, Encoding.UTF8.GetBytes(content), mode, uid, gid, pax);

    public LayerBuilder File(string name, byte[] content, UnixFileMode mode = (UnixFileMode)0b110_100_100, int uid = 0, int gid = 0,
        IReadOnlyDictionary<string, string>? pax = null)
        => Add(new PaxTarEntry(TarEntryType.RegularFile, name, pax ?? new Dictionary<string, string>())
        {
            Mode = mode, Uid = uid, Gid = gid, ModificationTime = Time, DataStream = new MemoryStream(content),
        });

    public LayerBuilder Symlink(string name, string target)
        => Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = Time });

    public LayerBuilder HardLink(string name, string target)
        => Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, ModificationTime = Time });

    public LayerBuilder Fifo(string name) => Add(new PaxTarEntry(TarEntryType.Fifo, name) { Mode = (UnixFileMode)0b110_100_100, ModificationTime = Time });

    public LayerBuilder CharDevice(string name, int major, int minor)
        => Add(new PaxTarEntry(TarEntryType.CharacterDevice, name) { DeviceMajor = major, DeviceMinor = minor, Mode = (UnixFileMode)0b110_110_110, ModificationTime = Time });

    /// <summary>An OCI whiteout: an empty file named .wh.NAME beside what it deletes.</summary>
    public LayerBuilder Whiteout(string path)
    {
        int slash = path.LastIndexOf('/');
        return File(slash < 0 ? ".wh." + path : $"{path[..(slash + 1)]}.wh.{path[(slash + 1)..]}", "");
    }

    public LayerBuilder Opaque(string dir) => File($"{dir.TrimEnd('/')}/.wh..wh..opq", "");

    /// <summary>Every applet of the host's busybox-static, linked to bin/busybox.</summary>
    public LayerBuilder Busybox()
    {
        Dir("bin/");
        File("bin/busybox", System.IO.File.ReadAllBytes("/bin/busybox"), (UnixFileMode)0b111_101_101);
        foreach (var applet in new[] { "sh", "ls", "cat", "echo", "find", "stat", "env", "pwd", "sleep", "id", "readlink", "sort", "test", "true" })
        {
            Symlink($"bin/{applet}", "busybox");
        }
        return this;
    }

    public LayerBuilder Add(TarEntry entry)
    {
        _entries.Add(entry);
        return this;
    }

    public byte[] Tar()
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var e in _entries)
            {
                e.DataStream?.Seek(0, SeekOrigin.Begin);
                writer.WriteEntry(e);
            }
        }
        return output.ToArray();
    }

    public byte[] Gzip() => Compress.Gzip(Tar());
}

internal static class Compress
{
    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }
        return output.ToArray();
    }

    public static byte[] Zstd(byte[] data)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(data).ToArray();
    }
}
