using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime;

namespace TinyDocker.Cli;

/// <summary>
/// The one place that turns failures into a single line on stderr and an exit code: what the
/// user typed (a name, a binary file's line) is escaped, and an exception that is no one's
/// (a bug) is one line and 125 too, its stack trace never shown.
/// </summary>
internal static class CliErrors
{
    public static int Execute(CommandLineApplication app, string[] args)
    {
        try
        {
            return app.Execute(args);
        }
        catch (CommandParsingException e)
        {
            return Fail(e.Message, ExitCodes.TinyDockerError);
        }
        catch (TinyDockerException e)
        {
            return Fail(e.Message, e.ExitCode);
        }
        catch (Exception e)
        {
            return Fail(LastChance.Describe(e), ExitCodes.TinyDockerError);
        }
    }

    public static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine($"tinydocker: {LastChance.OneLine(message)}");
        return exitCode;
    }
}
