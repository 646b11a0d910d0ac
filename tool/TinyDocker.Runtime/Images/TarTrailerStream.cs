// Runs in: the host tool, as root, while a layer from an image (untrusted bytes) is extracted into the store.
namespace TinyDocker.Runtime.Images;

/// <summary>
/// A layer tar whose writer never closed it: umoci 0.4.7's `insert` ends its layers after the last
/// entry's data, without that entry's padding or the two zero blocks that end an archive
/// (umoci issue 436, fixed after 0.4.7). Go's archive/tar, and so runc, containerd and umoci itself,
/// read such layers; GNU tar extracts them and complains. This supplies the missing zeros at the
/// end. Used only where a digest vouches for the bytes (a manifest's, or the config's diff_id), so a
/// download cut short is still a digest mismatch; a tarball nothing vouches for is read strictly.
/// </summary>
internal sealed class TarTrailerStream(Stream inner) : ReadOnlyStream
{
    private const int Block = 512;
    private long _read;
    private long _zerosLeft = -1;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_zerosLeft < 0)
        {
            int n = inner.Read(buffer);
            if (n > 0 || buffer.Length == 0)
            {
                _read += n;
                return n;
            }
            long partial = _read % Block;
            _zerosLeft = (partial == 0 ? 0 : Block - partial) + 2 * Block;
        }
        int zeros = (int)Math.Min(buffer.Length, _zerosLeft);
        buffer[..zeros].Clear();
        _zerosLeft -= zeros;
        return zeros;
    }
}
