// Runs in: the host tool, while a layer is imported (its second thread reads the layer source).
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// Reads a stream ahead on a thread of its own, so that a layer's decompression and hashing run while
/// the extractor creates its files: `tar -xzf` gets the same overlap from gzip being a process of its
/// own. An exception of the inner stream is thrown by the Read that reaches it, in order, as reading
/// the inner stream directly would have thrown it. The inner stream is not owned: it is untouched once
/// <see cref="Finish"/> or Dispose has returned.
/// </summary>
internal sealed class ReadAheadStream : ReadOnlyStream
{
    private const int ChunkSize = 256 * 1024, Depth = 4;

    private readonly Stream _inner;
    private readonly BlockingCollection<Chunk> _full = new(Depth);
    private readonly BlockingCollection<byte[]> _empty = new(Depth + 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _reader;
    private Chunk? _current;
    private int _offset;
    private bool _ended;

    public ReadAheadStream(Stream inner)
    {
        _inner = inner;
        for (int i = 0; i < Depth + 1; i++)
        {
            _empty.Add(new byte[ChunkSize]);
        }
        _reader = new Thread(ReadAhead) { IsBackground = true, Name = "tinydocker-layer-read" };
        _reader.Start();
    }

    /// <summary>A block of what the inner stream gave: data, its end (length 0), or what it threw.</summary>
    private sealed record Chunk(byte[] Buffer, int Length, ExceptionDispatchInfo? Failure = null);

    private void ReadAhead()
    {
        try
        {
            while (true)
            {
                // Whole chunks: a decompressor gives a few KiB per read, and each hand-over wakes the other thread.
                byte[] buffer = _empty.Take(_stop.Token);
                int filled = 0, n = 1;
                ExceptionDispatchInfo? failure = null;
                try
                {
                    while (filled < buffer.Length && (n = _inner.Read(buffer.AsSpan(filled))) > 0)
                    {
                        filled += n;
                    }
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
                if (filled > 0)
                {
                    // What came before an end or a failure is delivered first, as a direct reader would have seen it.
                    _full.Add(new Chunk(buffer, filled), _stop.Token);
                    if (failure is null && n > 0)
                    {
                        continue;
                    }
                    buffer = _empty.Take(_stop.Token);
                }
                _full.Add(new Chunk(buffer, 0, failure), _stop.Token);
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed before the end: the consumer wants nothing more.
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0 || _ended)
        {
            return 0;
        }
        if (_current is null || _offset == _current.Length)
        {
            if (_current is not null)
            {
                _empty.Add(_current.Buffer);
            }
            _current = _full.Take();
            _offset = 0;
            _current.Failure?.Throw();
            if (_current.Length == 0)
            {
                _ended = true;
                _reader.Join();
                return 0;
            }
        }
        int n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.Buffer.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    /// <summary>Reads to the inner stream's end (a compressed stream checks its own trailer there) and waits for the reading thread.</summary>
    public void Finish() => CopyTo(Null);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _reader.Join();
            _stop.Dispose();
            _full.Dispose();
            _empty.Dispose();
        }
        base.Dispose(disposing);
    }
}
