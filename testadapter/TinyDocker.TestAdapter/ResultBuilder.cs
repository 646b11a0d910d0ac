using Microsoft.VisualStudio.TestPlatform.ObjectModel;

namespace TinyDocker.TestAdapter;

/// <summary>
/// Turns a case's run into a VSTest result: the outcome and message from <see cref="CaseVerdict"/>,
/// the full stdout and stderr once each (the result's messages, not the error message), the files
/// the case copied out and the failure's evidence as attachments, named with their folders.
/// </summary>
internal static class ResultBuilder
{
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
        var (outcome, message) = CaseVerdict.Of(c, run);
        result.Outcome = outcome switch
        {
            CaseOutcome.Passed => TestOutcome.Passed,
            CaseOutcome.Skipped => TestOutcome.Skipped,
            _ => TestOutcome.Failed,
        };
        result.ErrorMessage = message;
        var files = run.Files.Concat(run.Evidence).ToList();
        if (files.Count > 0)
        {
            var set = new AttachmentSet(AdapterIds.ExecutorUri, "tinydocker results");
            foreach (var file in files)
            {
                set.Attachments.Add(new UriDataAttachment(new Uri(file), Path.GetRelativePath(run.ResultsDir, file)));
            }
            result.Attachments.Add(set);
        }
        return result;
    }
}
