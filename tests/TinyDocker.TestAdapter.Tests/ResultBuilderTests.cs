using Microsoft.VisualStudio.TestPlatform.ObjectModel;

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
    public void Other_exits_fail_with_the_exit_code_and_the_last_ten_lines_of_stderr()
    {
        string stderr = string.Concat(Enumerable.Range(1, 15).Select(i => $"line {i}\n"));
        var (outcome, message) = Outcome(Run(3, "", stderr));
        Assert.Equal(TestOutcome.Failed, outcome);
        Assert.Equal("exit code 3\n" + string.Join('\n', Enumerable.Range(6, 10).Select(i => $"line {i}")), message);
        Assert.Equal((TestOutcome.Failed, "exit code 1"), Outcome(Run(1)));
    }

    [Fact]
    public void Exit_124_of_a_case_with_a_timeout_says_it_timed_out()
    {
        Assert.Equal("timed out after 120s: the container was killed (exit code 124)\ntinydocker: container `x` timed out after 2m and was stopped",
            ResultBuilder.FailureMessage(Case("120"), Run(124, "", "tinydocker: container `x` timed out after 2m and was stopped\n")));
        Assert.Equal("timed out after 5m: the container was killed (exit code 124)", ResultBuilder.FailureMessage(Case("5m"), Run(124)));
        // Without a timeout, 124 is the script's own exit code.
        Assert.Equal("exit code 124", ResultBuilder.FailureMessage(Case(null), Run(124)));
    }

    [Fact]
    public void Signals_and_tinydocker_errors_are_named()
    {
        Assert.Equal("exit code 137 (killed by signal 9)\ntinydocker: container `x`: a process was killed: out of memory",
            ResultBuilder.FailureMessage(Case(), Run(137, "", "tinydocker: container `x`: a process was killed: out of memory\n")));
        Assert.Equal("tinydocker could not run the case (exit code 125)\ntinydocker: image `/nope` is not a directory",
            ResultBuilder.FailureMessage(Case(), Run(125, "", "tinydocker: image `/nope` is not a directory\n")));
    }

    [Fact]
    public void Copied_out_files_are_attached_with_their_path_in_the_results_directory()
    {
        var r = ResultBuilder.Build(Test, Case(), Run(1, "", "", "report.txt", "logs/app.log"));
        var set = Assert.Single(r.Attachments);
        Assert.Equal(["report.txt", "logs/app.log"], set.Attachments.Select(a => a.Description));
        Assert.Equal([Path.Combine(_results, "report.txt"), Path.Combine(_results, "logs/app.log")], set.Attachments.Select(a => a.Uri.LocalPath));
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
