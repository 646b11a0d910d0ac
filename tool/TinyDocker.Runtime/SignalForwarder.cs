// Runs in: the host half of exec and the exec helper: a process that passes signals on to one child.
using System.Runtime.InteropServices;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime;

/// <summary>
/// Handlers for the forwarded signals, registered BEFORE the child exists: a signal that arrives
/// while it is being started is kept and delivered once <see cref="Target"/> is set, instead of
/// ending this process with the default action.
/// </summary>
internal sealed class SignalForwarder : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations;
    private readonly object _gate = new();
    private int _target;
    private int _pending;

    public SignalForwarder(IEnumerable<int> signals)
        => _registrations = signals.Select(sig => PosixSignalRegistration.Create((PosixSignal)sig, ctx =>
        {
            ctx.Cancel = true;
            lock (_gate)
            {
                if (_target > 0)
                {
                    Sys.Kill(_target, sig);
                }
                else
                {
                    _pending = sig;
                }
            }
        })).ToList();

    /// <summary>The child to forward to; a signal that came before is delivered now.</summary>
    public int Target
    {
        set
        {
            lock (_gate)
            {
                _target = value;
                if (_pending != 0 && value > 0)
                {
                    Sys.Kill(value, _pending);
                }
            }
        }
    }

    public void Dispose() => _registrations.ForEach(r => r.Dispose());
}
