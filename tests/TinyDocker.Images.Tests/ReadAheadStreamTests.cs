using TinyDocker.Runtime.Images;
using Xunit;

namespace TinyDocker.Images.Tests;

/// <summary>The layer's read-ahead thread gives the bytes and the failures of its stream as reading it directly would.</summary>
public sealed class ReadAheadStreamTests
{
    [Fact]
    public void Every_byte_comes_through_in_order_whatever_sizes_both_sides_read()
    {
        var data = new byte[3 * 1024 * 1024 + 12345];
        new Random(7).NextBytes(data);
        using var inner = new RaggedStream(data, failAfter: null);
        using var ahead = new ReadAheadStream(inner);
        var read = new MemoryStream();
        var sizes = new Random(11);
        var buffer = new byte[70_000];
        int n;
        while ((n = ahead.Read(buffer, 0, sizes.Next(1, buffer.Length))) > 0)
        {
            read.Write(buffer, 0, n);
        }
        Assert.Equal(data, read.ToArray());
        Assert.Equal(0, ahead.Read(buffer, 0, buffer.Length)); // the end stays the end
    }

    [Fact]
    public void A_failure_comes_after_the_bytes_read_before_it_with_its_own_type()
    {
        var data = new byte[600_000];
        new Random(3).NextBytes(data);
        using var inner = new RaggedStream(data, failAfter: 500_001);
        using var ahead = new ReadAheadStream(inner);
        var read = new MemoryStream();
        var buffer = new byte[4096];
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            int n;
            while ((n = ahead.Read(buffer, 0, buffer.Length)) > 0)
            {
                read.Write(buffer, 0, n);
            }
        });
        Assert.Equal("corrupt at 500001", e.Message);
        Assert.Equal(data.AsSpan(0, 500_001).ToArray(), read.ToArray());
    }

    [Fact]
    public void Disposed_early_it_stops_reading_and_leaves_the_stream_alone_afterwards()
    {
        var data = new byte[64 * 1024 * 1024];
        var inner = new RaggedStream(data, failAfter: null);
        var ahead = new ReadAheadStream(inner);
        Assert.True(ahead.Read(new byte[10], 0, 10) > 0);
        ahead.Dispose();
        long readSoFar = inner.Position;
        inner.Dispose(); // a read after this would throw on the thread and be lost: none may come
        Thread.Sleep(50);
        Assert.True(readSoFar < data.Length, $"read {readSoFar} of {data.Length}: the thread read on after Dispose");
        Assert.Equal(readSoFar, inner.Position);
    }

    /// <summary>Gives a few KiB per read, as a decompressor does; optionally throws at a byte offset.</summary>
    private sealed class RaggedStream(byte[] data, int? failAfter) : Stream
    {
        private readonly Random _sizes = new(5);
        private int _position;
        private bool _disposed;

        public override int Read(byte[] buffer, int offset, int count)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int end = failAfter ?? data.Length;
            if (_position == end && failAfter is not null)
            {
                throw new InvalidDataException($"corrupt at {failAfter}");
            }
            int n = Math.Min(Math.Min(count, _sizes.Next(1, 9000)), end - _position);
            data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
            _position += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            base.Dispose(disposing);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
