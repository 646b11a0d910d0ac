// Runs in: tinydocker-init, for `run --debug`.
namespace TinyInit;

/// <summary>
/// The tool's PhaseTrace for this init: "tinydocker: debug: MS ms  init       PHASE" on stderr, MS
/// counted on CLOCK_MONOTONIC from the tool's start (the plan's clock start, in nanoseconds), so
/// the lines interleave with the supervisor's. A start of 0: off.
/// </summary>
internal static unsafe class Debug
{
    public static void Mark(long since, string phase, long count = -1)
    {
        if (since == 0)
        {
            return;
        }
        long* now = (long*)Text.Alloc(16);
        Libc.clock_gettime(1 /* CLOCK_MONOTONIC */, now);
        long hundredths = ((now[0] * 1_000_000_000 + now[1] - since) + 5_000) / 10_000;
        var number = Line.Start(32);
        number.Add(hundredths / 100);
        number.Add(".");
        long fraction = hundredths % 100;
        number.Add(fraction < 10 ? "0" : "");
        number.Add(fraction);
        number.Add("\0");
        var line = Line.Start(phase.Length + 64);
        line.Add("tinydocker: debug: ");
        for (nint pad = Text.Length(number.Buffer); pad < 8; pad++)
        {
            line.Add(" ");
        }
        line.Add(number.Buffer);
        line.Add(" ms  init       ");
        if (count >= 0)
        {
            line.Add(count);
            line.Add(" ");
        }
        line.Add(phase);
        line.Add("\n");
        line.Send(2);
    }
}
