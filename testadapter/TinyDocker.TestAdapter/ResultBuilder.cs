using System.Globalization;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;

namespace TinyDocker.TestAdapter;

/// <summary>
/// Turns a case's run into a VSTest result: exit 0 passes; 77 skips (automake's convention) with
/// the last line of output as the reason; anything else fails with the exit code and the last
/// lines of stderr as the message. Full stdout and stderr go into the result's messages, the
/// files the case copied out become its attachments.
/// </summary>
internal static class ResultBuilder
{
    public const int SkipExitCode = 77;
    public const int TimeoutExitCode = 124;
    public const int ToolErrorExitCode = 125;
    public const int StderrTailLines = 10;

    public static TestResult Build(TestCase test, ContainerCase c, CaseRun run)
    {
        var result = new TestResult(test)
        {
            StartTime = run.Started,
            EndTime = run.Ended,
            Duration = run.Duration,
            ComputerName = Environment.MachineName,
        };
        if (run.Stdout.Length > 0)
        {
            result.Messages.Add(new TestResultMessage(TestResultMessage.StandardOutCategory, run.Stdout));
        }
        if (run.Stderr.Length > 0)
        {
            result.Messages.Add(new TestResultMessage(TestResultMessage.StandardErrorCategory, run.Stderr));
        }
        switch (run.ExitCode)
        {
            case 0:
                result.Outcome = TestOutcome.Passed;
                break;
            case SkipExitCode:
                result.Outcome = TestOutcome.Skipped;
                result.ErrorMessage = LastLine(run.Stdout) ?? LastLine(run.Stderr) ?? "skipped (exit 77)";
                break;
            default:
                result.Outcome = TestOutcome.Failed;
                result.ErrorMessage = FailureMessage(c, run);
                break;
        }
        if (run.Files.Count > 0)
        {
            var set = new AttachmentSet(AdapterIds.ExecutorUri, "tinydocker results");
            foreach (var file in run.Files)
            {
                set.Attachments.Add(new UriDataAttachment(new Uri(file), Path.GetRelativePath(run.ResultsDir, file)));
            }
            result.Attachments.Add(set);
        }
        return result;
    }

    internal static string FailureMessage(ContainerCase c, CaseRun run)
    {
        string headline = run.ExitCode switch
        {
            TimeoutExitCode when c.Timeout is not null =>
                $"timed out after {Seconds(c.Timeout)}: the container was killed (exit code 124)",
            ToolErrorExitCode => "tinydocker could not run the case (exit code 125)",
            > 128 and < 128 + 65 => string.Create(CultureInfo.InvariantCulture, $"exit code {run.ExitCode} (killed by signal {run.ExitCode - 128})"),
            _ => string.Create(CultureInfo.InvariantCulture, $"exit code {run.ExitCode}"),
        };
        string tail = Tail(run.Stderr, StderrTailLines);
        return tail.Length == 0 ? headline : $"{headline}\n{tail}";
    }

    /// <summary>A bare number is seconds, as tinydocker's --timeout takes it.</summary>
    private static string Seconds(string timeout) => timeout.All(char.IsAsciiDigit) ? timeout + "s" : timeout;

    internal static string? LastLine(string text)
        => text.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.Trim().Length > 0);

    internal static string Tail(string text, int lines)
    {
        var all = text.TrimEnd('\n', '\r').Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines))).TrimEnd();
    }
}
