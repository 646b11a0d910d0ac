using System.Formats.Tar;
using System.IO.Compression;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// Puts one layer into the store: extracted into a directory of tmp/, its digest checked, then
/// renamed into layers/ in one step. Any failure removes the partial directory and leaves the
/// store as it was; the error is one line naming the layer.
/// </summary>
internal static class LayerImporter
{
    /// <summary>
    /// Ensures the layer is in the store and returns its digest. With <paramref name="expected"/>
    /// known, a layer already present is not read at all; without it (a rootfs tarball), the digest
    /// of what was read names the layer.
    /// </summary>
    public static Digest Import(ImageStore store, Func<Stream> open, Digest? expected, string what,
        Action<long>? progress = null)
    {
        if (expected is { } known && store.HasLayer(known))
        {
            return known;
        }
        string staged = store.NewTempDir("layer");
        try
        {
            Digest actual;
            using (var hashing = new HashingStream(open(), progress))
            {
                using (var tar = LayerCompression.Decompress(hashing))
                {
                    LayerExtractor.Extract(tar, staged);
                    tar.CopyTo(Stream.Null); // the compressed stream's own end and checksum
                }
                actual = hashing.Finish();
            }
            if (expected is { } e && e != actual)
            {
                throw new TinyDockerException($"{what}: digest mismatch: expected {e}, got {actual}");
            }
            store.CommitLayer(staged, actual);
            return actual;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException
                                       or ZstdSharp.ZstdException or ArgumentException)
        {
            store.RemoveTree(staged);
            throw new TinyDockerException($"{what}: corrupt or truncated archive ({ex.Message.TrimEnd('.')})", inner: ex);
        }
        catch (TinyDockerException ex)
        {
            store.RemoveTree(staged);
            throw ex.Message.StartsWith(what, StringComparison.Ordinal) ? ex : new TinyDockerException($"{what}: {ex.Message}", ex.ExitCode, ex);
        }
        catch
        {
            store.RemoveTree(staged);
            throw;
        }
    }
}
