using System.Globalization;
using System.Text.RegularExpressions;

namespace TinyDocker.Runtime;

/// <summary>Durations as users write them: 300 (seconds), 1.5s, 500ms, 5m, 2h.</summary>
public static partial class Durations
{
    /// <summary>
    /// The longest duration taken: what a .NET timer or wait handle can wait (int.MaxValue ms, a
    /// little over 596 hours), so no deadline computed from it can overflow.
    /// </summary>
    public static readonly TimeSpan Max = TimeSpan.FromHours(596);

    [GeneratedRegex(@"^(?<n>[0-9]+(\.[0-9]+)?)(?<unit>ms|s|m|h)?\z")]
    private static partial Regex Pattern();

    public static TimeSpan Parse(string text, string what)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success)
        {
            throw new TinyDockerException($"invalid {what} `{text}`: expected a duration such as 300, 90s, 500ms, 5m or 1h");
        }
        double n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        double ms = n * m.Groups["unit"].Value switch { "ms" => 1, "m" => 60_000, "h" => 3_600_000, _ => 1000 };
        // A long run of digits parses to infinity, not an error: compare before making a TimeSpan.
        if (!double.IsFinite(ms) || ms > Max.TotalMilliseconds)
        {
            throw new TinyDockerException($"invalid {what} `{text}`: at most {Format(Max)} ({Max.TotalDays:0} days)");
        }
        return TimeSpan.FromMilliseconds(ms);
    }

    public static string Format(TimeSpan t)
        => t.TotalSeconds < 1 ? $"{t.TotalMilliseconds:0}ms"
         : t.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###}s")
         : t.TotalHours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMinutes:0.##}m")
         : string.Create(CultureInfo.InvariantCulture, $"{t.TotalHours:0.##}h");
}
