// Runs in: the host tool (`commit`), as root, while the container runs (frozen); reads the
// container's upper layer through /proc/INIT/fd/N, a tree whose every name, type, mode, link and
// xattr the container chose.
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// Writes a container's overlay upper layer as an OCI layer: a gzip PAX tar in which overlay
/// whiteouts (0/0 character devices) become `.wh.NAME` files and opaque directories
/// (trusted.overlay.opaque=y) get a `.wh..wh..opq` entry. The tree is walked one name at a time
/// beneath directory descriptors (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, O_NOFOLLOW): a link
/// is stored as a link and never followed, and only an inode fstat has shown to be a regular file
/// is ever opened for reading (the O_PATH descriptor pins it: a name swapped afterwards changes
/// nothing). Nothing is read from /proc or any other kernel filesystem. Device nodes and FIFOs are
/// stored as what they are (never opened); sockets cannot be in a tar and are left out, as docker
/// does. Refused with one line: a name or link target that is not UTF-8 (a tar name is text), a
/// file with more than <see cref="MaxHoleBytes"/> of holes (a sparse file would be stored as its
/// zeros), a layer over <see cref="MaxLayerBytes"/>, and overlay redirect or metacopy xattrs (the
/// upper would not be the whole story).
/// </summary>
internal sealed class LayerCommitter
{
    public const long MaxHoleBytes = 64L << 20, MaxLayerBytes = 64L << 30;
    private const ulong Beneath = Sys.ResolveBeneath | Sys.ResolveNoSymlinks | Sys.ResolveNoMagicLinks;
    private const uint TypeMask = 0xF000, Dir = 0x4000, Reg = 0x8000, Lnk = 0xA000, Chr = 0x2000, Blk = 0x6000, Fifo = 0x1000;
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private readonly TarWriter _tar;
    private readonly Rootless.IdMap? _ids;
    private long _bytes;

    private LayerCommitter(TarWriter tar, Rootless.IdMap? ids)
    {
        _tar = tar;
        _ids = ids;
    }

    /// <summary>The layer written: its file, the digest of the gzip stream (the layer's) and of the tar (its diff_id).</summary>
    public sealed record Written(string Path, Digest Digest, Digest DiffId);

    /// <summary>Writes the upper directory <paramref name="upper"/> (an open directory descriptor) as a layer to <paramref name="path"/>.</summary>
    /// <param name="ids">A rootless container's map: the upper's owners, read from the host, are written as the ids they have inside.</param>
    public static Written Write(FileDescriptor upper, string path, Rootless.IdMap? ids = null)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using var compressedHash = new HashingWriter(file);
        using var gzip = new GZipStream(compressedHash, CompressionLevel.Fastest, leaveOpen: true);
        using var tarHash = new HashingWriter(gzip);
        using (var tar = new TarWriter(tarHash, TarEntryFormat.Pax, leaveOpen: true))
        {
            new LayerCommitter(tar, ids).WalkDirectory(upper, "");
        }
        tarHash.Flush();
        var diffId = tarHash.Finish();
        gzip.Dispose();
        return new Written(path, compressedHash.Finish(), diffId);
    }

    private void WalkDirectory(FileDescriptor dir, string prefix)
    {
        foreach (var raw in Sys.ReadDirectory(dir, prefix.Length == 0 ? "/" : prefix).OrderBy(n => n, ByteOrder.Instance))
        {
            string name = Text(raw, prefix);
            string rel = prefix + name;
            int fd = Sys.TryOpenat2(dir.Value, raw, O_PATH | O_NOFOLLOW, Beneath);
            if (fd < 0)
            {
                if (-fd == Errno.ENOENT)
                {
                    continue; // removed while we looked (a container committed with --pause=false)
                }
                throw new SyscallException("openat2", "/" + rel, -fd);
            }
            using var entry = new FileDescriptor(fd);
            Add(entry, rel);
        }
    }

    private void Add(FileDescriptor entry, string rel)
    {
        var st = Sys.Inode(entry, "/" + rel);
        uint type = st.Mode & TypeMask;
        if (type == Chr && st.Rdev == 0)
        {
            int slash = rel.LastIndexOf('/');
            string whiteout = slash < 0 ? Whiteouts.Prefix + rel : $"{rel[..(slash + 1)]}{Whiteouts.Prefix}{rel[(slash + 1)..]}";
            _tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, whiteout) { Mode = (UnixFileMode)0x180, ModificationTime = Mtime(st) });
            return;
        }
        var xattrs = type == Lnk ? [] : Sys.Xattrs(entry, "/" + rel);
        foreach (var key in xattrs.Keys.Where(k => Whiteouts.IsOverlayXattr(k) && k.Split('.')[^1] is "redirect" or "metacopy"))
        {
            throw new TinyDockerException($"`/{rel}` has overlay's {key.Split('.')[^1]} attribute: its content is partly in a lower layer, which a commit cannot take");
        }
        // A rootless run's overlay (userxattr) marks its upper with user.overlay.*, a rootful one with trusted.overlay.*.
        bool opaque = (xattrs.Remove(Whiteouts.OpaqueXattr, out var o) && o.AsSpan().SequenceEqual("y"u8))
                      | (xattrs.Remove(Whiteouts.UserOpaqueXattr, out var u) && u.AsSpan().SequenceEqual("y"u8));
        foreach (var key in xattrs.Keys.Where(Whiteouts.IsOverlayXattr).ToList())
        {
            xattrs.Remove(key); // overlay's own bookkeeping (origin, impure, nlink): not content
        }
        switch (type)
        {
            case Dir:
                _tar.WriteEntry(Entry(TarEntryType.Directory, rel + "/", st, xattrs));
                if (opaque)
                {
                    _tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{rel}/{Whiteouts.OpaqueMarker}") { Mode = (UnixFileMode)0x180, ModificationTime = Mtime(st) });
                }
                using (var sub = Sys.Reopen(entry, O_RDONLY | O_DIRECTORY, "/" + rel))
                {
                    WalkDirectory(sub, rel + "/");
                }
                break;
            case Reg:
                AddFile(entry, rel, st, xattrs);
                break;
            case Lnk:
                var link = Entry(TarEntryType.SymbolicLink, rel, st, xattrs);
                link.LinkName = Text(Sys.ReadLink(entry, "/" + rel), rel + " -> ");
                _tar.WriteEntry(link);
                break;
            case Chr or Blk or Fifo:
                var node = Entry(type switch { Chr => TarEntryType.CharacterDevice, Blk => TarEntryType.BlockDevice, _ => TarEntryType.Fifo }, rel, st, xattrs);
                if (type != Fifo)
                {
                    node.DeviceMajor = (int)(((st.Rdev >> 8) & 0xfff) | ((st.Rdev >> 32) & ~0xfffUL));
                    node.DeviceMinor = (int)((st.Rdev & 0xff) | ((st.Rdev >> 12) & ~0xffUL));
                }
                _tar.WriteEntry(node);
                break;
            default:
                return; // a socket: a tar has no such entry, and no image needs one
        }
    }

    private void AddFile(FileDescriptor entry, string rel, InodeInfo st, Dictionary<string, byte[]> xattrs)
    {
        if (st.Size - (st.Blocks * 512) > MaxHoleBytes)
        {
            throw new TinyDockerException($"`/{rel}` is a sparse file of {Sizes.Format(st.Size)} with {Sizes.Format(st.Size - (st.Blocks * 512))} of holes: a layer would store them as zeros");
        }
        _bytes += st.Size;
        if (_bytes > MaxLayerBytes)
        {
            throw new TinyDockerException($"the container's changes exceed {Sizes.Format(MaxLayerBytes)}: too big for one layer");
        }
        // The inode fstat saw is a regular file (an O_PATH descriptor pins it): opening it cannot block or reach a device.
        using var data = Sys.Reopen(entry, O_RDONLY | O_NOCTTY | O_NONBLOCK, "/" + rel);
        using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(data.DangerousGetHandle(), ownsHandle: false), FileAccess.Read, bufferSize: 0);
        var file = Entry(TarEntryType.RegularFile, rel, st, xattrs);
        // The size in the header is the one fstat gave; a file that changes while we read (--pause=false) is read to exactly that length.
        file.DataStream = new ExactLength(stream, st.Size);
        _tar.WriteEntry(file);
    }

    private PaxTarEntry Entry(TarEntryType type, string name, InodeInfo st, Dictionary<string, byte[]> xattrs)
    {
        // Binary values (security.capability) survive only base64-encoded: the tar reader decodes PAX values as UTF-8.
        var pax = xattrs.ToDictionary(x => "LIBARCHIVE.xattr." + Uri.EscapeDataString(x.Key), x => Convert.ToBase64String(x.Value).TrimEnd('='));
        return new PaxTarEntry(type, name, pax)
        {
            Mode = (UnixFileMode)(st.Mode & 0xFFF),
            Uid = (int)(_ids is { } m ? m.UidInside(st.Uid) : st.Uid),
            Gid = (int)(_ids is { } m2 ? m2.GidInside(st.Gid) : st.Gid),
            ModificationTime = Mtime(st),
        };
    }

    private static DateTimeOffset Mtime(InodeInfo st) => DateTimeOffset.FromUnixTimeSeconds(Math.Max(0, st.MtimeSeconds));

    private static string Text(byte[] raw, string context)
    {
        if (raw.AsSpan().Contains((byte)'\n'))
        {
            // Legal in a PAX record, but .NET's tar reader (this store's importer) refuses it: the layer could not be read back.
            throw new TinyDockerException($"`/{context}{Encoding.UTF8.GetString(raw).Replace('\n', '?')}` has a newline in its name: a layer here cannot hold it");
        }
        try
        {
            return StrictUtf8.GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            throw new TinyDockerException($"`/{context}{Encoding.UTF8.GetString(raw).Replace('\uFFFD', '?')}` is not UTF-8: a layer cannot name it");
        }
    }

    /// <summary>Sorted names give the same tar for the same tree.</summary>
    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }

    /// <summary>A file's data cut or padded (with zeros) to the size its header states.</summary>
    private sealed class ExactLength(Stream inner, long length) : ReadOnlyStream
    {
        private long _position;

        // Seekable in name only (Length and Position): TarWriter then writes the size in the header
        // before the data instead of seeking back in the (unseekable) gzip stream.
        public override bool CanSeek => true;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin origin)
            => origin == SeekOrigin.Current && offset == 0 ? _position
                : origin == SeekOrigin.Begin && offset == _position ? _position
                : throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int want = (int)Math.Min(buffer.Length, length - _position);
            if (want == 0)
            {
                return 0;
            }
            int n = inner.Read(buffer[..want]);
            if (n == 0)
            {
                buffer[..want].Clear(); // shrank while we read: the header's length holds
                n = want;
            }
            _position += n;
            return n;
        }
    }

    private sealed class HashingWriter(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public Digest Finish() => Digest.FromHash(_hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
