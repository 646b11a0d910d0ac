using System.Globalization;
using System.Text.RegularExpressions;

namespace TinyDocker.Runtime;

/// <summary>Durations as users write them: 300 (seconds), 1.5s, 500ms, 5m, 2h.</summary>
public static partial class Durations
{
    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<unit>ms|s|m|h)?$")]
    private static partial Regex Pattern();

    public static TimeSpan Parse(string text, string what)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success)
        {
            throw new TinyDockerException($"invalid {what} `{text}`: expected a duration such as 300, 90s, 500ms, 5m or 1h");
        }
        double n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        return m.Groups["unit"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromSeconds(n),
        };
    }

    public static string Format(TimeSpan t)
        => t.TotalSeconds < 1 ? $"{t.TotalMilliseconds:0}ms"
         : t.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###}s")
         : t.TotalHours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMinutes:0.##}m")
         : string.Create(CultureInfo.InvariantCulture, $"{t.TotalHours:0.##}h");
}
