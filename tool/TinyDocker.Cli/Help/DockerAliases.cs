namespace TinyDocker.Cli.Help;

/// <summary>docker's spellings of verbs that live elsewhere here, rewritten before parsing.</summary>
internal static class DockerAliases
{
    private static readonly Dictionary<string, string[]> Verbs = new(StringComparer.Ordinal)
    {
        ["images"] = ["image", "ls"],
        ["pull"] = ["image", "pull"],
        ["rmi"] = ["image", "rm"],
        ["version"] = ["--version"],
    };

    /// <summary>The one line of the root help that lists them.</summary>
    public const string HelpText = """

        docker's spellings work too: images (image ls), pull (image pull), rmi (image rm), version, help COMMAND.
        """;

    public static string[] Rewrite(string[] args) => args switch
    {
        ["help"] => ["--help"],
        ["help", .. var verb] => [.. Rewrite(verb), "--help"],
        [var first, .. var rest] when Verbs.TryGetValue(first, out var verb) => [.. verb, .. rest],
        _ => args,
    };
}
