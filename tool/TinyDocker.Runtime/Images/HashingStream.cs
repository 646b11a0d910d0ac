using System.Security.Cryptography;

namespace TinyDocker.Runtime.Images;

/// <summary>A read-only pass-through that hashes (sha256) and counts every byte read, and reports progress.</summary>
internal sealed class HashingStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Action<long>? _progress;

    public HashingStream(Stream inner, Action<long>? progress = null)
    {
        _inner = inner;
        _progress = progress;
    }

    public long BytesRead { get; private set; }

    /// <summary>Reads what is left (so the digest covers the whole blob) and returns the digest.</summary>
    public Digest Finish()
    {
        CopyTo(Null);
        return Digest.FromHash(_hash.GetHashAndReset());
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        if (n > 0)
        {
            _hash.AppendData(buffer[..n]);
            BytesRead += n;
            _progress?.Invoke(BytesRead);
        }
        return n;
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
