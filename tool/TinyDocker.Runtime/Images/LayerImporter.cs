using ZstdSharp;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// Puts an image's layers into the store all or nothing: each is extracted into a directory of
/// tmp/ and its digest checked; only when every layer of the image is ready are they renamed into
/// layers/, one rename each. Disposing without <see cref="Commit"/> removes every staged directory,
/// so a failure in any layer leaves the store as it was. Errors are one line naming the layer.
/// An ordinary user with subordinate ids has its layers extracted in a user namespace with its map
/// (Rootless/LayerInUserNamespace.cs), so they keep the image's owners.
/// </summary>
internal sealed class LayerImporter(ImageStore store) : IDisposable
{
    private readonly List<(string Dir, Digest Digest)> _staged = [];

    /// <summary>An ordinary user's map when it has subordinate ids: layers then get their owners in that user namespace.</summary>
    private readonly Rootless.IdMap? _userNamespace = Rootless.LayerInUserNamespace.MapForStore();

    /// <summary>Bytes read from every layer source so far (compressed sizes, as stored).</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Stages a layer unless the store has it and returns its digest. With <paramref name="expected"/>
    /// known, a layer already present is not read at all; without it (a rootfs tarball), the digest
    /// of what was read names the layer.
    /// </summary>
    /// <param name="diffId">The digest of the uncompressed tar, as the image config's rootfs.diff_ids names it, when known.</param>
    public Digest Add(Func<Stream> open, Digest? expected, string what, Action<long>? progress = null, Digest? diffId = null)
    {
        if (expected is { } known && (store.HasLayer(known) || _staged.Any(s => s.Digest == known)))
        {
            return known;
        }
        store.ClaimMarkers(ExtractMode.OnHost.Markers);
        string dir = store.NewTempDir("layer");
        try
        {
            Digest actual;
            // Read in large blocks: the decompressor asks for 8 KiB at a time, a system call each unbuffered.
            using (var hashing = new HashingStream(new BufferedStream(open(), 1 << 20), progress))
            {
                using (var tar = new HashingStream(LayerCompression.Decompress(hashing)))
                {
                    bool vouched = expected is not null || diffId is not null;
                    // Decompressed and hashed on a second thread while this one writes the files.
                    using (var ahead = new ReadAheadStream(tar))
                    {
                        Stream layer = vouched ? new TarTrailerStream(ahead) : ahead;
                        if (_userNamespace is { } map)
                        {
                            Rootless.LayerInUserNamespace.Extract(layer, dir, map);
                        }
                        else
                        {
                            LayerExtractor.Extract(layer, dir, ExtractMode.OnHost);
                        }
                        ahead.Finish(); // reads to the compressed stream's own end and checksum
                    }
                    var uncompressed = tar.Finish();
                    if (diffId is { } d && d != uncompressed)
                    {
                        throw new TinyDockerException($"{what}: digest mismatch: the config's diff_id is {d}, the uncompressed layer is {uncompressed}");
                    }
                }
                actual = hashing.Finish();
                BytesRead += hashing.BytesRead;
            }
            if (expected is { } e && e != actual)
            {
                throw new TinyDockerException($"{what}: digest mismatch: expected {e}, got {actual}");
            }
            _staged.Add((dir, actual));
            return actual;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException
                                       or ZstdException or ArgumentException)
        {
            store.RemoveTree(dir);
            throw new TinyDockerException($"{what}: corrupt or truncated archive ({ex.Message.TrimEnd('.')})", inner: ex);
        }
        catch (TinyDockerException ex)
        {
            store.RemoveTree(dir);
            throw ex.Message.StartsWith(what, StringComparison.Ordinal) ? ex : new TinyDockerException($"{what}: {ex.Message}", ex.ExitCode, ex);
        }
        catch
        {
            store.RemoveTree(dir);
            throw;
        }
    }

    /// <summary>Moves every staged layer into place (a layer another import landed first is kept, ours dropped).</summary>
    public void Commit()
    {
        foreach (var (dir, digest) in _staged)
        {
            store.CommitLayer(dir, digest);
        }
        _staged.Clear();
    }

    public void Dispose()
    {
        foreach (var (dir, _) in _staged)
        {
            store.RemoveTree(dir);
        }
        _staged.Clear();
    }
}
