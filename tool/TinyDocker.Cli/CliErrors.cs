using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime;

namespace TinyDocker.Cli;

/// <summary>The one place that turns failures into a single line on stderr and an exit code.</summary>
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message, ExitCodes.TinyDockerError);
        }
    }

    public static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine($"tinydocker: {message}");
        return exitCode;
    }
}
