namespace TinyDocker.Runtime.Images.Sources;

/// <summary>Reads at most <c>length</c> bytes of a stream from where it stands: one file inside a tar.</summary>
internal sealed class WindowStream(Stream inner, long length) : Stream
{
    private readonly long _length = length;
    private long _left = length;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_left <= 0 || buffer.Length == 0)
        {
            return 0;
        }
        int n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        if (n == 0)
        {
            throw new EndOfStreamException("the archive ends inside a file");
        }
        _left -= n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _length - _left; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
