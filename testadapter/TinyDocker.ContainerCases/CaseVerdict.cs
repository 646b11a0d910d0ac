using System.Globalization;
using TinyDocker.Client;

namespace TinyDocker.TestAdapter;

/// <summary>How a case ended, whoever reports it (VSTest, or a framework's generated test under Microsoft.Testing.Platform).</summary>
internal enum CaseOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>
/// A run's outcome and one-paragraph message: exit 0 passes; 77 skips (automake's convention) with
/// the last line of output as the reason; anything else fails. How it ended (timed out, OOM-killed,
/// refused by tinydocker) comes from the CLI's end record, not from its stderr. The message says
/// why; the full stdout and stderr are reported once, beside it, never copied into it.
/// </summary>
internal static class CaseVerdict
{
    public const int SkipExitCode = 77;

    public static (CaseOutcome Outcome, string? Message) Of(ContainerCase c, CaseRun run) => run.ExitCode switch
    {
        0 => (CaseOutcome.Passed, null),
        SkipExitCode => (CaseOutcome.Skipped, LastLine(run.Stdout) ?? LastLine(run.Stderr) ?? "skipped (exit 77)"),
        _ => (CaseOutcome.Failed, FailureMessage(c, run)),
    };

    internal static string FailureMessage(ContainerCase c, CaseRun run)
    {
        if (run.ServiceFailure is { } service)
        {
            return service;
        }
        var status = run.Status;
        string code = run.ExitCode.ToString(CultureInfo.InvariantCulture);
        if (status is null && run.ExitCode == ExitCodes.TinyDockerError)
        {
            string reason = CliMessages.LastReason(run.Stderr) is { } r ? $": {r}" : "";
            return $"tinydocker could not run the case (exit code 125){reason}";
        }
        if (status?.TimedOut == true)
        {
            return $"timed out after {Seconds(c.Timeout ?? "?")}: the container was killed (exit code {code})";
        }
        if (status?.OomKilled == true)
        {
            return $"out of memory (limit {c.Memory ?? "none"}): killed (exit code {code})";
        }
        return (status?.Signal ?? ExitCodes.Signal(run.ExitCode)) is { } signal
            ? string.Create(CultureInfo.InvariantCulture, $"exit code {code} (killed by signal {signal})")
            : $"exit code {code}";
    }

    /// <summary>A bare number is seconds, as tinydocker's --timeout takes it.</summary>
    private static string Seconds(string timeout) => timeout.All(char.IsAsciiDigit) ? timeout + "s" : timeout;

    internal static string? LastLine(string text)
        => text.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.Trim().Length > 0);
}
