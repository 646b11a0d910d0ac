using System.IO.Compression;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// Decompression by content, not by name: gzip and zstd are told by their magic numbers, anything
/// else is read as a plain tar (whose own checksums then catch garbage). A media type only has to be
/// one tinydocker knows (see <see cref="MediaTypes"/>).
/// </summary>
internal static class LayerCompression
{
    /// <summary>A decompressing view of <paramref name="raw"/>; disposing it leaves <paramref name="raw"/> open.</summary>
    public static Stream Decompress(Stream raw) => Decompress(raw, out _);

    public static Stream Decompress(Stream raw, out bool compressed)
    {
        byte[] head = new byte[4];
        int n = raw.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        Stream replay = new PrefixedStream(head.AsMemory(0, n), raw);
        Stream result = n switch
        {
            >= 2 when head[0] == 0x1f && head[1] == 0x8b => new GZipStream(replay, CompressionMode.Decompress),
            4 when head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd => new ZstdSharp.DecompressionStream(replay),
            _ => replay,
        };
        compressed = result != replay;
        return result;
    }

    /// <summary>Gives back bytes already read from a stream before the rest of it; the caller keeps owning the stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty)
            {
                return inner.Read(buffer);
            }
            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }


    }
}
