namespace TinyDocker.TestAdapter;

/// <summary>
/// A unique container name per run of a case: readable (the case's name, squeezed into the
/// characters tinydocker accepts) and never reused, so parallel runs and retries cannot collide.
/// </summary>
internal static class ContainerNames
{
    private const int MaxPrefix = 40;

    public static string For(string caseName)
    {
        var chars = caseName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray();
        string prefix = new string(chars).Trim('-', '.');
        if (prefix.Length > MaxPrefix)
        {
            prefix = prefix[^MaxPrefix..].Trim('-', '.');
        }
        string unique = Guid.NewGuid().ToString("N")[..12];
        return prefix.Length == 0 ? $"t-{unique}" : $"t-{prefix}-{unique}";
    }
}
