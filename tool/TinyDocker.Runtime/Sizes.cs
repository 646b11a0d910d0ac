using System.Globalization;
using System.Text.RegularExpressions;

namespace TinyDocker.Runtime;

/// <summary>Byte sizes as docker takes them: 1024, 512k, 64m, 1.5g (binary units).</summary>
public static partial class Sizes
{
    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<unit>[bkmgt]?)b?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static long Parse(string text, string what)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success)
        {
            throw new TinyDockerException($"invalid {what} `{text}`: expected a size such as 512m or 1g");
        }
        double n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        int shift = m.Groups["unit"].Value.ToLowerInvariant() switch { "k" => 10, "m" => 20, "g" => 30, "t" => 40, _ => 0 };
        return (long)(n * (1L << shift));
    }

    public static string Format(long bytes)
        => bytes % (1L << 30) == 0 ? $"{bytes >> 30}g"
         : bytes % (1L << 20) == 0 ? $"{bytes >> 20}m"
         : bytes % (1L << 10) == 0 ? $"{bytes >> 10}k"
         : bytes.ToString(CultureInfo.InvariantCulture);
}
