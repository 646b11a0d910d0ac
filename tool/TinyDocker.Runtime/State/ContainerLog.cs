// Runs in: the host tool: `logs`, `wait --for log:` and the supervisor's log writer share this format.
namespace TinyDocker.Runtime.State;

/// <summary>
/// A detached container's log, in its state directory: <c>log</c> and, once that reached the
/// cap, the one before it, <c>log.1</c>. One record a line: a tag, a space, the bytes. Tag
/// <c>O</c>/<c>E</c>: a line of stdout/stderr that ended in a newline (not stored); <c>o</c>/<c>e</c>:
/// bytes without one (a line longer than <see cref="MaxRecordBytes"/>, or the last bytes before EOF).
/// The bytes are the container's, unchanged (never a newline: that ends the record).
/// </summary>
public static class ContainerLog
{
    public const string Current = "log", Previous = "log.1";

    /// <summary>Longer lines are split, as docker's json-file splits at 16 KiB.</summary>
    public const int MaxRecordBytes = 16 * 1024;

    public readonly record struct Entry(bool Stderr, bool Newline, byte[] Bytes)
    {
        /// <summary>The bytes the container wrote, newline included.</summary>
        public byte[] Output => Newline ? [.. Bytes, (byte)'\n'] : Bytes;
    }

    public static byte[] Encode(bool stderr, ReadOnlySpan<byte> bytes, bool newline)
    {
        byte[] record = new byte[bytes.Length + 3];
        record[0] = (byte)(stderr ? (newline ? 'E' : 'e') : (newline ? 'O' : 'o'));
        record[1] = (byte)' ';
        bytes.CopyTo(record.AsSpan(2));
        record[^1] = (byte)'\n';
        return record;
    }

    /// <summary>One record without its newline; null for a line that is none (a file cut short).</summary>
    public static Entry? Decode(ReadOnlySpan<byte> line)
        => line.Length >= 2 && line[1] == ' ' && line[0] is (byte)'O' or (byte)'o' or (byte)'E' or (byte)'e'
            ? new Entry(line[0] is (byte)'E' or (byte)'e', line[0] is (byte)'O' or (byte)'E', line[2..].ToArray())
            : null;

    /// <summary>Everything kept, oldest first.</summary>
    public static List<Entry> ReadAll(string dir)
    {
        using var cursor = new LogCursor(dir);
        return cursor.Poll();
    }

    /// <summary>The last <paramref name="lines"/> entries, as text for a message (stdout and stderr mixed).</summary>
    public static string Tail(string dir, int lines)
        => System.Text.Encoding.UTF8.GetString(ReadAll(dir).TakeLast(lines).SelectMany(e => e.Output).ToArray());
}

/// <summary>
/// Reads a container's log as it grows, across rotations: opened, it has read nothing; each
/// <see cref="Poll"/> returns the entries written since (the first one: everything kept).
/// </summary>
public sealed class LogCursor(string dir) : IDisposable
{
    private FileStream? _current;
    private readonly List<byte> _partial = [];
    private bool _started;

    public List<ContainerLog.Entry> Poll()
    {
        var entries = new List<ContainerLog.Entry>();
        if (!_started)
        {
            _started = true;
            _current = TryOpen(ContainerLog.Current);
            // log.1 first unless it is the file just opened (rotated in between).
            using var previous = TryOpen(ContainerLog.Previous);
            if (previous is not null && (_current is null || !ContainerState.SameFile((int)_current.SafeFileHandle.DangerousGetHandle(), Path.Combine(dir, ContainerLog.Previous))))
            {
                ReadLines(previous, entries);
                _partial.Clear();
            }
        }
        while (true)
        {
            if (_current is null && (_current = TryOpen(ContainerLog.Current)) is null)
            {
                return entries;
            }
            ReadLines(_current, entries);
            // The writer renames log to log.1 and starts a new log: finish the old one, then go on.
            if (ContainerState.SameFile((int)_current.SafeFileHandle.DangerousGetHandle(), Path.Combine(dir, ContainerLog.Current)))
            {
                return entries;
            }
            ReadLines(_current, entries);
            _current.Dispose();
            _current = null;
            _partial.Clear();
            if (!File.Exists(Path.Combine(dir, ContainerLog.Current)))
            {
                return entries; // removed (rm, --rm): nothing more will come
            }
        }
    }

    private FileStream? TryOpen(string file)
    {
        try
        {
            return new FileStream(Path.Combine(dir, file), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private void ReadLines(FileStream stream, List<ContainerLog.Entry> entries)
    {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            var span = buffer.AsSpan(0, n);
            int nl;
            while ((nl = span.IndexOf((byte)'\n')) >= 0)
            {
                _partial.AddRange(span[..nl]);
                if (ContainerLog.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_partial)) is { } entry)
                {
                    entries.Add(entry);
                }
                _partial.Clear();
                span = span[(nl + 1)..];
            }
            _partial.AddRange(span);
        }
    }

    public void Dispose() => _current?.Dispose();
}
