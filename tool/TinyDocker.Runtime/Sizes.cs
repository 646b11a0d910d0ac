using System.Globalization;
using System.Text.RegularExpressions;

namespace TinyDocker.Runtime;

/// <summary>Byte sizes as docker takes them: 1024, 512k, 64m, 1.5g (binary units).</summary>
public static partial class Sizes
{
    /// <summary>2^63 bytes: the first size the kernel cannot take.</summary>
    private const double Max = 9223372036854775808.0;

    [GeneratedRegex(@"^(?<n>[0-9]+(\.[0-9]+)?)(?<unit>[bkmgt]?)b?\z", RegexOptions.IgnoreCase)]
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
        double bytes = Math.Floor(n * (1L << shift));
        // The kernel takes sizes as signed 64-bit byte counts (memory.max, tmpfs size=): beyond, a
        // cast would wrap to a negative or arbitrary value.
        if (!double.IsFinite(bytes) || bytes >= Max)
        {
            throw new TinyDockerException($"invalid {what} `{text}`: too large (at most {Format(long.MaxValue >> 40 << 40)})");
        }
        return (long)bytes;
    }

    public static string Format(long bytes)
        => bytes % (1L << 40) == 0 && bytes != 0 ? $"{bytes >> 40}t"
         : bytes % (1L << 30) == 0 ? $"{bytes >> 30}g"
         : bytes % (1L << 20) == 0 ? $"{bytes >> 20}m"
         : bytes % (1L << 10) == 0 ? $"{bytes >> 10}k"
         : bytes.ToString(CultureInfo.InvariantCulture);
}
