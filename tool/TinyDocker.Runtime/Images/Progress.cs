using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// One status line on stderr, redrawn in place, while layers are imported or pulled. Silent unless
/// stderr is a terminal, so logs get only the final result (stdout may be piped: `id=$(… import …)`).
/// </summary>
public sealed class Progress
{
    private readonly bool _enabled;
    private long _lastDraw;
    private int _lastLayer;

    private Progress(bool enabled) => _enabled = enabled;

    public static Progress ForTerminal() => new(Sys.IsTerminal(2));

    /// <summary>
    /// Reports bytes read of one layer: drawn at once when a new layer starts (a small layer must not
    /// go unseen), then at most ten times a second.
    /// </summary>
    public void Layer(int index, int count, string label, long bytes, long? total)
    {
        if (!_enabled || (index == _lastLayer && Environment.TickCount64 - _lastDraw < 100))
        {
            return;
        }
        _lastDraw = Environment.TickCount64;
        _lastLayer = index;
        string of = total is > 0 ? $" / {Size(total.Value)}" : "";
        Console.Error.Write($"\r\x1b[Klayer {index}/{count} {label}: {Size(bytes)}{of}");
    }

    public void Note(string line)
    {
        if (_enabled)
        {
            Console.Error.Write($"\r\x1b[K{line}\n");
        }
    }

    public void Done()
    {
        if (_enabled)
        {
            Console.Error.Write("\r\x1b[K");
        }
    }

    public static string Size(long bytes)
        => bytes switch
        {
            >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
            >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
            >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
            _ => $"{bytes} B",
        };
}
