using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;

namespace TinyDocker.Cli;

/// <summary>
/// The one place that turns failures into a single line on stderr and an exit code: what the
/// user typed (a name, a binary file's line) is escaped, and an exception that is no one's
/// (a bug) is one line and 125 too, its stack trace never shown.
/// </summary>
internal static class CliErrors
{
    public static int Execute(CommandLineApplication app, string[] args) => Guard(() => app.Execute(args));

    /// <summary>Runs <paramref name="work"/>; what it throws becomes one line on stderr and an exit code.</summary>
    public static int Guard(Func<int> work)
    {
        try
        {
            return work();
        }
        catch (CommandParsingException e)
        {
            string hint = $"see '{CliHelp.PathOf(e.Command)} --help'";
            return Fail(e.Message.Contains(hint, StringComparison.Ordinal) ? e.Message : $"{e.Message.TrimEnd('.')}: {hint}", ExitCodes.TinyDockerError);
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            return Fail(message, e is TinyDockerException t ? t.ExitCode : ExitCodes.TinyDockerError);
        }
        catch (Exception e)
        {
            return Fail(LastChance.Describe(e), ExitCodes.TinyDockerError);
        }
    }

    /// <summary>
    /// As docker's `stop A B`: each name is tried, its output or its one-line failure printed in the
    /// order given; the exit code is 125 if any failed. <paramref name="parallel"/> for stop, whose
    /// grace periods should run at once.
    /// </summary>
    public static int ForEach(IReadOnlyList<string> names, Func<string, IEnumerable<string>> action, bool parallel = false)
    {
        var outcomes = names.Select(n => Start(parallel, () =>
        {
            try
            {
                return (Lines: action(n).ToList(), Error: (string?)null);
            }
            catch (Exception e) when (Describe(e) is { } message)
            {
                return (Lines: new List<string>(), Error: message);
            }
        })).ToArray();
        int code = 0;
        foreach (var (lines, error) in outcomes.Select(t => t.GetAwaiter().GetResult()))
        {
            lines.ForEach(Console.WriteLine);
            if (error is not null)
            {
                code = Fail(error, ExitCodes.TinyDockerError);
            }
        }
        return code;
    }

    private static Task<T> Start<T>(bool parallel, Func<T> work) => parallel ? Task.Run(work) : Task.FromResult(work());

    public static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine($"tinydocker: {LastChance.OneLine(message)}");
        return exitCode;
    }

    private static string? Describe(Exception e)
        => e is TinyDockerException or IOException or UnauthorizedAccessException ? e.Message : null;
}
