using McMaster.Extensions.CommandLineUtils;

namespace TinyDocker.Cli.Commands;

/// <summary>The NAME... of verbs that take several, as docker's do.</summary>
internal static class ContainerNames
{
    public static IReadOnlyList<string> Required(CommandLineApplication cmd, CommandArgument names)
        => names.Values.OfType<string>().ToList() is { Count: > 0 } list
            ? list
            : throw new CommandParsingException(cmd, $"missing {names.Name}");
}
