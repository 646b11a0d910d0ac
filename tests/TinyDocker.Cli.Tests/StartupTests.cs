using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// Nothing that reacts to the container is attached after it could be needed: the --json-status
/// start record was once written by a handler attached after the init's go (and lost when the init
/// was quick), and a SIGTERM during start-up once ended the tool without its teardown, or reached
/// an init that had no handler yet and was ignored until the stop timeout.
/// </summary>
public sealed class StartupTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public StartupTests(BusyboxImage image) => _image = image;

    [ContainerFact]
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

    [ContainerFact]
    public void A_sigterm_at_any_point_of_start_up_stops_at_once_and_leaves_nothing()
    {
        // From before the spec is read to after the command runs (a JIT start-up takes 0.3-1 s here).
        foreach (int delayMs in (int[])[150, 300, 450, 600, 750, 900, 1200, 1600])
        {
            using var run = _tool.Start(["run", "--image", _image.Dir, "--stop-timeout", "60s", .. Containers.IncidentalLimits("--pids-limit", "50"), "startup-term", "sleep", "30"]);
            Thread.Sleep(delayMs);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            System.Diagnostics.Process.Start("kill", ["-TERM", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

            Assert.True(run.WaitForExit(20_000), $"still running 20 s after a SIGTERM sent {delayMs} ms in");
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20));
            Assert.Equal(143, run.ExitCode);
            Assert.Empty(_tool.StateEntries());
            Assert.Empty(Cgroups.Named(_tool.CgroupPrefix));
        }
    }

    public void Dispose() => _tool.Dispose();
}
