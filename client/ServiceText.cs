using System.Globalization;
using System.Text.RegularExpressions;

namespace TinyDocker.Client;

/// <summary>
/// A service's Timeout and Ports as a project file writes them (the MSBuild item and the test
/// adapter's cases file): read into a <see cref="ServiceDefinition"/> here, the one place both
/// packages share. Durations follow the CLI's syntax (300, 90s, 500ms, 5m, 1h).
/// </summary>
internal static partial class ServiceText
{
    [GeneratedRegex(@"^(?<n>[0-9]{1,9}(\.[0-9]{1,3})?)(?<unit>ms|s|m|h)?\z")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(?:(?<ip>\[[0-9A-Fa-f:.]+\]|[0-9.]+):)?(?:(?<host>[0-9]{1,5}):)?(?<port>[0-9]{1,5})\z")]
    private static partial Regex PortPattern();

    /// <summary>The readiness wait's default, as the CLI's `wait --timeout`.</summary>
    public static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromSeconds(60);

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var m = DurationPattern().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }
        double n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        double ms = n * m.Groups["unit"].Value switch { "ms" => 1, "m" => 60_000, "h" => 3_600_000, _ => 1000 };
        if (ms <= 0 || ms > TimeSpan.FromHours(596).TotalMilliseconds)
        {
            return false;
        }
        duration = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    /// <summary>`5432` (a free host port), `8080:5432` or `IP:8080:5432`; null if it is none of them.</summary>
    public static ServicePort? ParsePort(string text)
    {
        var m = PortPattern().Match(text.Trim());
        if (!m.Success)
        {
            return null;
        }
        int port = int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture);
        int host = m.Groups["host"].Success ? int.Parse(m.Groups["host"].Value, CultureInfo.InvariantCulture) : 0;
        if (port is < 1 or > 65535 || host > 65535)
        {
            return null;
        }
        return new ServicePort(port, host, m.Groups["ip"].Success ? m.Groups["ip"].Value.Trim('[', ']') : null);
    }
}
