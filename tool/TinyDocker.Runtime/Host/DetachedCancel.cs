// Runs in: the host tool: `run -d` (the client), from before it starts the detached supervisor
// until it has printed the name or given up.
using System.Runtime.InteropServices;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// The client's end of the handover (Host/DetachedStart.cs): SIGINT or SIGTERM before "started" was
/// read cancels the whole start, after it touches nothing. The two meet in one compare-exchange on
/// <see cref="_state"/>, so a signal arriving as "started" is read either cancels all of it or none.
/// Whoever wins the exchange is the one who closes the answer pipe: with <see cref="DetachedStart.Detach"/>
/// written first (the supervisor carries on), or bare (EOF: the supervisor tears everything down).
/// </summary>
internal sealed class DetachedCancel : IDisposable
{
    private const int Starting = 0, Detached = -1, Failed = -2; // > 0: cancelled by that signal
    private const int SIGINT = 2, SIGTERM = 15;

    private readonly int _answerWrite;
    private readonly List<PosixSignalRegistration> _registrations;
    private int _state = Starting;

    /// <param name="answerWrite">The client's end of the answer pipe; closed here, exactly once.</param>
    public DetachedCancel(int answerWrite)
    {
        _answerWrite = answerWrite;
        _registrations = new[] { SIGINT, SIGTERM }.Select(sig => PosixSignalRegistration.Create((PosixSignal)sig, ctx =>
        {
            // Kept, whatever the state: once the container is detached the client still prints its name.
            ctx.Cancel = true;
            if (Interlocked.CompareExchange(ref _state, sig, Starting) == Starting)
            {
                Sys.Close(_answerWrite);
            }
        })).ToList();
    }

    /// <summary>The signal that cancelled the start, or null.</summary>
    public int? CancelledBy => Volatile.Read(ref _state) is > 0 and var sig ? sig : null;

    /// <summary>"started" was read: hands the container over unless a signal came first; true when it did.</summary>
    public bool TryDetach()
    {
        if (Interlocked.CompareExchange(ref _state, Detached, Starting) != Starting)
        {
            return false;
        }
        Sys.WriteAll(_answerWrite, [DetachedStart.Detach]);
        Sys.Close(_answerWrite);
        return true;
    }

    /// <summary>The supervisor failed (or was never started): a signal from now on changes nothing.</summary>
    public void GiveUp()
    {
        if (Interlocked.CompareExchange(ref _state, Failed, Starting) == Starting)
        {
            Sys.Close(_answerWrite);
        }
    }

    /// <summary>
    /// The handlers stay registered until the process exits: .NET runs them on a thread of its own,
    /// and a signal that came before an unregistration may be dispatched after it, with the default
    /// action (seen: exit 143 from a `run -d` that had printed the name of a container it left running).
    /// </summary>
    public void Dispose()
    {
        GiveUp();
        s_kept = _registrations; // unreachable registrations are unregistered by their finalizer
    }

    private static List<PosixSignalRegistration>? s_kept;
}
