using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using TinyDocker.Client;

namespace TinyDocker.TestAdapter.Tests;

public sealed class ResultBuilderTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly string _results = Path.Combine(Path.GetTempPath(), $"tinydocker-results-{Guid.NewGuid():N}");

    private static ContainerCase Case(string? timeout = "120") => new("tests/a.sh", "/p/tests/a.sh", "/p", null, timeout, null, null, "/p/bin/p.dll");

    private static TestCase Test => TestCases.From(Case());

    private CaseRun Run(int exit, string stdout = "", string stderr = "", params string[] files)
        => new(exit, stdout, stderr, T0, T0.AddSeconds(1.5), _results, files.Select(f => Path.Combine(_results, f)).ToList());

    [Fact]
    public void Exit_0_passes_with_its_output_and_duration()
    {
        var r = ResultBuilder.Build(Test, Case(), Run(0, "out\n", "err\n"));
        Assert.Equal(TestOutcome.Passed, r.Outcome);
        Assert.Null(r.ErrorMessage);
        Assert.Equal(TimeSpan.FromSeconds(1.5), r.Duration);
        Assert.Equal((T0, T0.AddSeconds(1.5)), (r.StartTime, r.EndTime));
        Assert.Equal([(TestResultMessage.StandardOutCategory, "out\n"), (TestResultMessage.StandardErrorCategory, "err\n")], r.Messages.Select(m => (m.Category, m.Text)));
    }

    [Fact]
    public void Exit_77_skips_with_the_last_line_of_output_as_the_reason()
    {
        Assert.Equal((TestOutcome.Skipped, "no GPU"), Outcome(Run(77, "probing\nno GPU\n\n")));
        Assert.Equal((TestOutcome.Skipped, "needs root"), Outcome(Run(77, "", "needs root\n")));
        Assert.Equal((TestOutcome.Skipped, "skipped (exit 77)"), Outcome(Run(77)));
    }

    [Fact]
    public void Other_exits_fail_with_the_exit_code_and_stderr_only_in_its_own_message()
    {
        string stderr = string.Concat(Enumerable.Range(1, 15).Select(i => $"line {i}\n"));
        var r = ResultBuilder.Build(Test, Case(), Run(3, "", stderr));
        Assert.Equal((TestOutcome.Failed, "exit code 3"), (r.Outcome, r.ErrorMessage));
        // Printed once: as the result's standard error, not copied into the error message too.
        Assert.Equal(stderr, Assert.Single(r.Messages, m => m.Category == TestResultMessage.StandardErrorCategory).Text);
        Assert.Equal((TestOutcome.Failed, "exit code 1"), Outcome(Run(1)));
    }

    [Fact]
    public void How_the_container_ended_comes_from_the_clis_end_record_not_from_its_stderr()
    {
        var timedOut = new RunStatus(124, null, TimedOut: true, OomKilled: false, 3, 0, 0, null);
        Assert.Equal("timed out after 120s: the container was killed (exit code 124)",
            CaseVerdict.FailureMessage(Case("120"), Run(124) with { Status = timedOut }));
        Assert.Equal("timed out after 5m: the container was killed (exit code 124)", CaseVerdict.FailureMessage(Case("5m"), Run(124) with { Status = timedOut }));
        // The script's own 124, even with a stderr line that looks like the CLI's: not a timeout.
        Assert.Equal("exit code 124", CaseVerdict.FailureMessage(Case("120"),
            Run(124, "", "tinydocker: container `x` timed out after 2m and was stopped\n") with { Status = timedOut with { TimedOut = false } }));
    }

    [Fact]
    public void Signals_out_of_memory_and_tinydocker_errors_are_named()
    {
        var killed = new RunStatus(137, 9, false, false, 1, 0, 0, null);
        Assert.Equal("exit code 137 (killed by signal 9)", CaseVerdict.FailureMessage(Case(), Run(137) with { Status = killed }));
        Assert.Equal("out of memory (limit 64m): killed (exit code 137)",
            CaseVerdict.FailureMessage(Case() with { Memory = "64m" }, Run(137) with { Status = killed with { OomKilled = true } }));
        // No end record: the CLI refused the run; its own last line is the reason.
        Assert.Equal("tinydocker could not run the case (exit code 125): image `/nope` is not a directory",
            CaseVerdict.FailureMessage(Case(), Run(125, "", "tinydocker: image `/nope` is not a directory\n")));
        // An end record: the command itself exited 125.
        Assert.Equal("exit code 125", CaseVerdict.FailureMessage(Case(), Run(125) with { Status = killed with { ExitCode = 125, Signal = null } }));
    }

    [Fact]
    public void Copied_out_files_and_evidence_are_attached_with_their_path_in_the_results_directory()
    {
        var r = ResultBuilder.Build(Test, Case(), Run(1, "", "", "report.txt", "logs/app.log") with { Evidence = [Path.Combine(_results, "tinydocker-evidence", "changes.txt")] });
        var set = Assert.Single(r.Attachments);
        Assert.Equal(["report.txt", "logs/app.log", "tinydocker-evidence/changes.txt"], set.Attachments.Select(a => a.Description));
        Assert.Equal([Path.Combine(_results, "report.txt"), Path.Combine(_results, "logs/app.log"), Path.Combine(_results, "tinydocker-evidence/changes.txt")], set.Attachments.Select(a => a.Uri.LocalPath));
        Assert.Empty(ResultBuilder.Build(Test, Case(), Run(0)).Attachments);
    }

    private (TestOutcome, string?) Outcome(CaseRun run)
    {
        var r = ResultBuilder.Build(Test, Case(), run);
        return (r.Outcome, r.ErrorMessage);
    }

    public void Dispose()
    {
        if (Directory.Exists(_results))
        {
            Directory.Delete(_results, recursive: true);
        }
    }
}
