using Microsoft.VisualStudio.TestPlatform.ObjectModel;

namespace TinyDocker.TestAdapter;

/// <summary>
/// A container case as VSTest sees it. Its fully qualified name and display name are the script's
/// path relative to the project ("tests/net/dns.sh"): stable across machines and usable in
/// `--filter`; its source location is the script itself.
/// </summary>
internal static class TestCases
{
    public static TestCase From(ContainerCase c) => new(c.Name, AdapterIds.ExecutorUri, c.Source)
    {
        DisplayName = c.Name,
        CodeFilePath = c.ScriptPath,
        LineNumber = 1,
    };

    /// <summary>The cases of <paramref name="sources"/>, each source's cases file read once.</summary>
    public static IEnumerable<(ContainerCase Case, TestCase Test)> Read(IEnumerable<string> sources)
        => sources.Distinct(StringComparer.Ordinal).SelectMany(s => CasesFile.Read(s)).Select(c => (c, From(c)));
}
