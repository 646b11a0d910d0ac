// Runs in: the detached supervisor (`__supervise`): its answer thread, and the report thread that
// says "started".
using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// The supervisor's end of the handover (Host/DetachedStart.cs). A thread reads the client's answer
/// from the start on: <see cref="DetachedStart.Detach"/> (the client printed, or is printing, the
/// name: the container is on its own) or end of file (the client was cancelled, or died: the start
/// is stopped and nothing of it is kept). The command's start waits for that answer, so no container
/// runs detached unless the client took it.
/// </summary>
internal sealed class DetachedHandover
{
    private readonly int _ready;
    private readonly BlockingEvent _answered = new();
    private readonly object _gate = new();
    private bool _cancelled;
    private Action? _onCancel;

    public DetachedHandover(int ready, int answer)
    {
        _ready = ready;
        Sys.StartThread("tinydocker-handover", () => ReadAnswer(answer));
    }

    /// <summary>True once the client cancelled the start (or went away before taking the container).</summary>
    public bool Cancelled
    {
        get
        {
            lock (_gate)
            {
                return _cancelled;
            }
        }
    }

    private void ReadAnswer(int answer)
    {
        bool detached = Sys.ReadByte(answer) == DetachedStart.Detach;
        Sys.Close(answer);
        Action? cancel;
        lock (_gate)
        {
            _cancelled = !detached;
            cancel = detached ? null : _onCancel;
        }
        _answered.Set();
        cancel?.Invoke();
    }

    /// <summary>What stops the container when the start is cancelled: at once if it already was.</summary>
    public void OnCancel(Action cancel)
    {
        bool now;
        lock (_gate)
        {
            _onCancel = cancel;
            now = _cancelled;
        }
        if (now)
        {
            cancel();
        }
    }

    /// <summary>
    /// The command runs: tells the client and waits for its answer. True when the client took the
    /// container: this process's stderr (the client's pipe until now) becomes /dev/null.
    /// </summary>
    public bool Started()
    {
        // A client that is gone already makes this fail (EPIPE; SIGPIPE is ignored): its answer is EOF.
        Sys.WriteAll(_ready, DetachedStart.ReadyLine + "\n");
        Sys.Close(_ready);
        _answered.Wait();
        if (Cancelled)
        {
            return false;
        }
        int devNull = Sys.Open("/dev/null", O_WRONLY);
        Sys.Dup2(devNull, 2);
        Sys.Close(devNull);
        return true;
    }
}
