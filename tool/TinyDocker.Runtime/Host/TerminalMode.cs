// Runs in: the host tool (run -t, exec -t).
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// The host's terminal in raw mode while a -t command runs (its keys, Ctrl-C included, go to the
/// container's pseudo-terminal as bytes), restored on Dispose however the run ends.
/// </summary>
internal sealed class TerminalMode : IDisposable
{
    private const int Stdin = 0;
    private readonly byte[]? _saved;

    private TerminalMode(byte[]? saved) => _saved = saved;

    /// <summary>Raw mode when <paramref name="tty"/> is asked for and stdin is a terminal; otherwise nothing.</summary>
    public static TerminalMode ForTty(bool tty) => new(tty && Sys.IsTerminal(Stdin) ? Sys.MakeRaw(Stdin) : null);

    public void Dispose()
    {
        if (_saved is not null)
        {
            Sys.RestoreTerminal(Stdin, _saved);
        }
    }
}
