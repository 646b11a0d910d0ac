// Runs in: the supervisor, the host half of exec and the exec helper: a process that passes
// signals on to its container.
using System.Runtime.InteropServices;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime;

/// <summary>
/// Handlers for the forwarded signals, registered BEFORE there is anything to forward to: a
/// signal that arrives while the child is being started is kept and handed on once
/// <see cref="Attach"/> (or <see cref="Target"/>) is called, instead of ending this process with
/// the default action and leaving its state behind.
/// </summary>
internal sealed class SignalForwarder : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations;
    private readonly object _gate = new();
    private readonly List<int> _pending = [];
    private Action<int>? _handler;

    public SignalForwarder(IEnumerable<int> signals)
        => _registrations = signals.Select(sig => PosixSignalRegistration.Create((PosixSignal)sig, ctx =>
        {
            ctx.Cancel = true;
            Action<int>? handler;
            lock (_gate)
            {
                handler = _handler;
                if (handler is null)
                {
                    _pending.Add(sig);
                }
            }
            handler?.Invoke(sig);
        })).ToList();

    /// <summary>From now on every signal goes to <paramref name="handler"/>; those that came before go first.</summary>
    public void Attach(Action<int> handler)
    {
        List<int> pending;
        lock (_gate)
        {
            _handler = handler;
            pending = [.. _pending];
            _pending.Clear();
        }
        pending.ForEach(handler);
    }

    /// <summary>Forwards every signal to the process <paramref name="value"/> (never to pid 0: that would be this process group).</summary>
    public int Target
    {
        set
        {
            if (value > 0)
            {
                Attach(sig => Sys.Kill(value, sig));
            }
        }
    }

    public void Dispose() => _registrations.ForEach(r => r.Dispose());
}
