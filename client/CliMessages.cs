namespace TinyDocker.Client;

/// <summary>The CLI's own lines on stderr (as opposed to the container's): each starts with `tinydocker: `.</summary>
internal static class CliMessages
{
    public const string Prefix = "tinydocker: ";

    /// <summary>The CLI's last own line in <paramref name="stderr"/>, without the prefix: its reason for an exit 125.</summary>
    public static string? LastReason(string stderr)
        => stderr.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal)) is { } line
            ? line[Prefix.Length..]
            : null;
}
