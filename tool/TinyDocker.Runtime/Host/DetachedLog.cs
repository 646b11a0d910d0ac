// Runs in: the detached supervisor (host tool), in the host's namespaces. It is the one writer
// of a detached container's log; see docs/services.md.
using System.Text;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.State;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// The container's stdout and stderr as two pipes (the init's fds 1 and 2), read by two threads
/// of the supervisor into the log in the state directory: records of <see cref="ContainerLog"/>,
/// files 0600 at fixed names (no path comes from the container), each at most the cap, the
/// newest kept (at the cap, log becomes log.1 and a new log starts). The container can fill
/// neither the disk nor the supervisor's memory: a line is cut at 16 KiB.
/// </summary>
internal sealed class DetachedLog : IDisposable
{
    private readonly object _gate = new();
    private readonly string _dir;
    private readonly long _maxBytes;
    private readonly (int Read, int Write) _stdout = Sys.Pipe();
    private readonly (int Read, int Write) _stderr = Sys.Pipe();
    private readonly List<Thread> _readers = [];
    private FileStream _file;
    private long _size;
    private bool _writeEndsClosed;

    public DetachedLog(string dir, long maxBytes)
    {
        _dir = dir;
        _maxBytes = maxBytes;
        _file = Open();
        _size = _file.Length;
        Messages = new MessageWriter(this);
    }

    /// <summary>What the init gets as its stdout and stderr (first in the spawn's list: targets 1 and 2 are no source).</summary>
    public IReadOnlyList<(int From, int To)> InitStdio => [(_stdout.Write, 1), (_stderr.Write, 2)];

    /// <summary>tinydocker's own lines about the container (timeout, OOM, copy-out), as stderr records.</summary>
    public TextWriter Messages { get; }

    /// <summary>Once the init holds the write ends: the readers see EOF when every container process is gone.</summary>
    public void StartReading()
    {
        CloseWriteEnds();
        foreach (var (fd, stderr) in new[] { (_stdout.Read, false), (_stderr.Read, true) })
        {
            var thread = new Thread(() => Pump(fd, stderr)) { IsBackground = true, Name = "tinydocker-log" };
            thread.Start();
            _readers.Add(thread);
        }
    }

    private void CloseWriteEnds()
    {
        if (!_writeEndsClosed)
        {
            _writeEndsClosed = true;
            Sys.Close(_stdout.Write);
            Sys.Close(_stderr.Write);
        }
    }

    /// <summary>Each read becomes its records and one write: a line at a time would cost a system call per line.</summary>
    private void Pump(int fd, bool stderr)
    {
        byte[] buffer = new byte[ContainerLog.MaxRecordBytes];
        var records = new List<byte[]>();
        int filled = 0;
        while (true)
        {
            int n = Sys.Read(fd, buffer.AsSpan(filled));
            if (n <= 0)
            {
                break;
            }
            filled += n;
            int start = 0, nl;
            while ((nl = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
            {
                records.Add(ContainerLog.Encode(stderr, buffer.AsSpan(start, nl - start), newline: true));
                start = nl + 1;
            }
            if (start == 0 && filled == buffer.Length)
            {
                records.Add(ContainerLog.Encode(stderr, buffer, newline: false)); // a line longer than a record
                filled = 0;
            }
            else
            {
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
            }
            Write(records);
            records.Clear();
        }
        if (filled > 0)
        {
            Write([ContainerLog.Encode(stderr, buffer.AsSpan(0, filled), newline: false)]);
        }
    }

    public void Append(bool stderr, ReadOnlySpan<byte> bytes, bool newline) => Write([ContainerLog.Encode(stderr, bytes, newline)]);

    private void Write(List<byte[]> records)
    {
        lock (_gate)
        {
            try
            {
                foreach (var record in records)
                {
                    if (_size > 0 && _size + record.Length > _maxBytes)
                    {
                        _file.Dispose(); // flushes what is buffered: log.1 is whole
                        File.Move(Path.Combine(_dir, ContainerLog.Current), Path.Combine(_dir, ContainerLog.Previous), overwrite: true);
                        _file = Open();
                        _size = 0;
                    }
                    _file.Write(record);
                    _size += record.Length;
                }
                _file.Flush(); // readers (logs -f, wait) see every whole record at once
            }
            catch (IOException)
            {
                // A full state root loses log lines, never the container: the reader must go on
                // draining the pipe or the command would block on its next write.
            }
        }
    }

    private FileStream Open() => new(Path.Combine(_dir, ContainerLog.Current), new FileStreamOptions
    {
        Mode = FileMode.Append,
        Access = FileAccess.Write,
        Share = FileShare.ReadWrite | FileShare.Delete,
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        BufferSize = 64 * 1024,
    });

    /// <summary>After the init is gone: everything the container wrote is in the file when this returns.</summary>
    public void Finish()
    {
        CloseWriteEnds();
        _readers.ForEach(t => t.Join());
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Finish();
        Sys.Close(_stdout.Read);
        Sys.Close(_stderr.Read);
        lock (_gate)
        {
            _file.Dispose();
        }
    }

    private sealed class MessageWriter(DetachedLog log) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value != '\n')
            {
                _line.Append(value);
                return;
            }
            log.Append(true, Encoding.UTF8.GetBytes(_line.ToString()), newline: true);
            _line.Clear();
        }
    }
}
