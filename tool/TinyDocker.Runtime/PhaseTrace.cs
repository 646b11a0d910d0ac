using System.Diagnostics;
using System.Globalization;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime;

/// <summary>
/// `run --debug`: one line per phase of a container's life on stderr, in milliseconds since the
/// tool's Main began. The supervisor and the init share the clock (CLOCK_MONOTONIC), so their
/// lines interleave in time. Lines go straight to fd 2: the init may write after pivot_root.
/// </summary>
public static class PhaseTrace
{
    private static long _since;

    /// <summary>The Stopwatch timestamp tracing counts from, or null when off.</summary>
    public static long? Since => _since == 0 ? null : _since;

    public static void Enable(long since) => _since = since;

    public static void Mark(string side, string phase)
    {
        if (_since == 0)
        {
            return;
        }
        double ms = Stopwatch.GetElapsedTime(_since).TotalMilliseconds;
        Sys.WriteAll(2, string.Create(CultureInfo.InvariantCulture, $"tinydocker: debug: {ms,8:0.00} ms  {side,-10} {phase}\n"));
    }
}
