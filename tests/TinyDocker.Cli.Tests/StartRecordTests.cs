using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// The supervisor's handlers are in place before the init is let go: the --json-status start
/// record was once written by a handler attached after the go, and lost when the init was quick.
/// </summary>
public sealed class StartRecordTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public StartRecordTests(BusyboxImage image) => _image = image;

    [RootFact]
    public void Every_run_writes_its_start_and_end_records_to_a_pipe()
    {
        const int Runs = 25;
        // The quickest command there is, and the records to a pipe (no file to look at afterwards).
        string loop = $"for i in $(seq {Runs}); do \"$0\" run --image {_image.Dir} --json-status /dev/fd/5 start-$i true 5>&1 >/dev/null || echo FAILED; done | cat";

        var r = Shell.Run("bash", ["-c", loop, TinyTool.Executable],
            environment: new Dictionary<string, string>(_tool.Environment) { ["TINYDOCKER_ROOT"] = _tool.StateRoot });

        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("FAILED", lines);
        Assert.Equal(Runs, lines.Count(l => l.Contains("\"type\":\"start\"", StringComparison.Ordinal)));
        Assert.Equal(Runs, lines.Count(l => l.Contains("\"type\":\"end\"", StringComparison.Ordinal)));
        // Each start record comes before its end record.
        Assert.All(lines.Where((_, i) => i % 2 == 0), l => Assert.Contains("\"type\":\"start\"", l, StringComparison.Ordinal));
    }

    public void Dispose() => _tool.Dispose();
}
