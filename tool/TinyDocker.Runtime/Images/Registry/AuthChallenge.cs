using System.Text.RegularExpressions;

namespace TinyDocker.Runtime.Images.Registry;

/// <summary>A parsed <c>WWW-Authenticate</c> header: the scheme and its key="value" parameters.</summary>
public sealed partial record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    [GeneratedRegex("""([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))""")]
    private static partial Regex ParameterRegex();

    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }
        header = header.Trim();
        int space = header.IndexOf(' ');
        string scheme = space < 0 ? header : header[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space > 0)
        {
            foreach (Match m in ParameterRegex().Matches(header[(space + 1)..]))
            {
                parameters[m.Groups[1].Value] = m.Groups[2].Success ? Regex.Unescape(m.Groups[2].Value) : m.Groups[3].Value;
            }
        }
        return new AuthChallenge(scheme, parameters);
    }

    public string? this[string key] => Parameters.TryGetValue(key, out var v) ? v : null;
}
