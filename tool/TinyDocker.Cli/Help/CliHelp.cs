using System.Runtime.CompilerServices;
using McMaster.Extensions.CommandLineUtils;
using McMaster.Extensions.CommandLineUtils.HelpText;

namespace TinyDocker.Cli.Help;

/// <summary>
/// The help of every verb: a usage line as the verb is really typed, placeholders that say what to
/// type, examples, and hints naming the program. McMaster's own generator derives the usage line
/// from its parser ("[arguments] [options]", the wrong order for run) and leaves the program out of
/// a nested verb's hint, so every command is described through <see cref="Describe"/> instead.
/// </summary>
internal sealed class CliHelp : IHelpTextGenerator
{
    private static readonly CliHelp Instance = new();
    private static readonly ConditionalWeakTable<CommandLineApplication, Page> Pages = new();

    private sealed record Page(string Usage, string[] Examples);

    /// <summary>Sets the description, the usage after the verb's path and examples (written without the program's name).</summary>
    public static void Describe(CommandLineApplication cmd, string description, string usage, params string[] examples)
    {
        cmd.Description = description;
        cmd.HelpOption("-h|--help");
        Usage(cmd, usage, examples);
    }

    /// <summary>The usage and examples of a verb registered elsewhere (its description and options are its own).</summary>
    public static void Usage(CommandLineApplication cmd, string usage, params string[] examples)
    {
        cmd.HelpTextGenerator = Instance;
        Pages.AddOrUpdate(cmd, new Page(usage, examples));
    }

    /// <summary>This generator for every verb below <paramref name="root"/>, described or not.</summary>
    public static void Apply(CommandLineApplication root) => Apply(root, new HintFilter(Console.Out));

    private static void Apply(CommandLineApplication cmd, TextWriter output)
    {
        cmd.HelpTextGenerator = Instance;
        cmd.Out = output;
        foreach (var verb in cmd.Commands)
        {
            Apply(verb, output);
        }
    }

    /// <summary>The verb as typed: the program's name, then each parent verb.</summary>
    public static string PathOf(CommandLineApplication cmd)
        => cmd.Parent is { } parent ? $"{PathOf(parent)} {cmd.Name}" : cmd.Name!;

    public static string ProgramName(CommandLineApplication cmd) => cmd.Parent is { } p ? ProgramName(p) : cmd.Name!;

    public void Generate(CommandLineApplication application, TextWriter output)
    {
        var page = Pages.TryGetValue(application, out var p) ? p : new Page("[options]", []);
        string path = PathOf(application);
        output.WriteLine($"Usage: {path} {page.Usage}");
        output.WriteLine();
        output.WriteLine(application.Description);
        Table(output, "Arguments:", application.Arguments.Where(a => a.ShowInHelpText).Select(a => (a.Name ?? "", a.Description ?? "")));
        Table(output, "Options:", application.GetOptions().Where(o => o.ShowInHelpText).Select(o => (Template(o), o.Description ?? "")));
        var verbs = application.Commands.Where(c => c.ShowInHelpText).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        Table(output, "Commands:", verbs.Select(c => (c.Name ?? "", c.Description ?? "")));
        if (page.Examples.Length > 0)
        {
            output.WriteLine();
            output.WriteLine("Examples:");
            foreach (var example in page.Examples)
            {
                output.WriteLine($"  {ProgramName(application)} {example}");
            }
        }
        if (application.ExtendedHelpText is { Length: > 0 } extended)
        {
            output.WriteLine(extended.TrimEnd());
        }
        if (verbs.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"Run '{path} COMMAND --help' for more about a command.");
        }
    }

    /// <summary>`-e|--env KEY=VALUE`: the names, then the placeholder set by <see cref="CliOptions"/>.</summary>
    public static string Template(CommandOption o)
    {
        string names = string.Join('|', new[] { o.ShortName is { } s ? "-" + s : null, o.LongName is { } l ? "--" + l : null }.OfType<string>());
        return o.OptionType == CommandOptionType.NoValue ? names : $"{names} {o.ValueName}";
    }

    private static void Table(TextWriter output, string title, IEnumerable<(string Left, string Right)> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }
        output.WriteLine();
        output.WriteLine(title);
        int width = list.Max(r => r.Left.Length) + 2;
        foreach (var (left, right) in list)
        {
            output.WriteLine($"  {left.PadRight(width)}{right}".TrimEnd());
        }
    }
}
