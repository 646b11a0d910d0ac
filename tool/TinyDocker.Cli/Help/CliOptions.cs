using McMaster.Extensions.CommandLineUtils;

namespace TinyDocker.Cli.Help;

/// <summary>Declares an option with a placeholder that says what to type (KEY=VALUE, UID[:GID]).</summary>
internal static class CliOptions
{
    /// <summary>
    /// McMaster's template parser reads `&lt;…&gt;` as a symbol name and refuses `=`, `[` and `:` in it,
    /// so the template carries a neutral name and the placeholder shown in help is set afterwards.
    /// </summary>
    public static CommandOption Value(this CommandLineApplication cmd, string names, string placeholder, string description, bool repeatable = false)
    {
        var option = cmd.Option($"{names} <VALUE>", description, repeatable ? CommandOptionType.MultipleValue : CommandOptionType.SingleValue);
        option.ValueName = placeholder;
        return option;
    }

    public static CommandOption Flag(this CommandLineApplication cmd, string names, string description)
        => cmd.Option(names, description, CommandOptionType.NoValue);
}
