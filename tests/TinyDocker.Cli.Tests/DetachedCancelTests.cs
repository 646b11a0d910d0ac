using System.Diagnostics;
using System.Runtime.InteropServices;
using TinyDocker.Testing;
using Xunit.Abstractions;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// SIGTERM or SIGINT to `run -d` while its container starts: the whole start is cancelled (exit
/// 128+N, nothing left) or, once `run -d` took the container, none of it (the name printed, the
/// container running). A signal is sent at many points of the start, each run checked for leftovers.
/// </summary>
public sealed class DetachedCancelTests : IClassFixture<BusyboxImage>, IDisposable
{
    private const int SIGINT = 2, SIGTERM = 15;

    /// <summary>Files of a container's state directory, in the order a start makes them (docs/architecture.md, "State").</summary>
    private static class ContainerStateFiles
    {
        public const string Lock = "lock", Spec = "spec.json", Pid = "pid";
    }
    private readonly BusyboxImage _image;
    private readonly ITestOutputHelper _output;
    private readonly TinyTool _tool = new();

    public DetachedCancelTests(BusyboxImage image, ITestOutputHelper output) => (_image, _output) = (image, output);

    public void Dispose() => _tool.Dispose();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);

    // The marker is an argument of the command: each of its processes shows it in its command line.
    private string[] RunD(string name, string marker, string[] options, string[] command)
        => ["run", "-d", "--image", _image.Dir, "--no-cwd", .. Containers.IncidentalLimits("--memory", "64m"), .. options, name, .. command, marker];

    private static readonly string[] Loop = ["sh", "-c", "while :; do sleep 1; done"];

    /// <summary>How long `run -d` of a looping command takes here, now: the span the signals are spread over.</summary>
    private TimeSpan StartTime(string[] options)
    {
        var took = TimeSpan.MaxValue;
        for (int i = 0; i < 2; i++) // the shorter of two: the first may pay for a cold cache
        {
            var sw = Stopwatch.StartNew();
            var r = _tool.Run(RunD("dc-measure", "dc-measure-marker", options, Loop));
            took = sw.Elapsed < took ? sw.Elapsed : took;
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(0, _tool.Run("rm", "-f", "dc-measure").ExitCode);
            WaitFor(() => _tool.Supervisors().Count == 0, "dc-measure's supervisor to exit");
        }
        return took;
    }

    /// <summary>When the signal is sent: after a delay, or as soon as a file of the container's state appears.</summary>
    private sealed record Trigger(string Label, Action<string> Wait);

    private static Trigger After(TimeSpan delay)
        => new($"at {delay.TotalMilliseconds:F0} ms", _ => Thread.Sleep(delay)); // the point of the start the signal hits is what varies

    private Trigger When(string file)
        => new($"when {file} appeared", name =>
        {
            string path = Path.Combine(_tool.StateRoot, name, file);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!File.Exists(path) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1);
            }
        });

    private enum Outcome { Cancelled, Detached, Failed }

    /// <summary>Starts `run -d`, signals it after <paramref name="delay"/>, and checks that what it reports is all there is.</summary>
    private Outcome SignalDuringStart(string name, string[] options, string[] command, Trigger trigger, int sig, int failureCode)
    {
        string marker = $"{name}-marker";
        using var run = _tool.Start(RunD(name, marker, options, command));
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        run.StandardInput.Close();
        trigger.Wait(name);
        Kill(run.Id, sig);
        Assert.True(run.WaitForExit(60_000), $"run -d {name} did not exit after signal {sig} {trigger.Label}");
        run.WaitForExit();
        string what = $"{name}, signal {sig} {trigger.Label}: exit {run.ExitCode}, stdout `{stdout.Result}`, stderr `{stderr.Result}`";
        _output.WriteLine(what);
        Outcome outcome;
        if (run.ExitCode == 128 + sig)
        {
            // Cancelled: nothing may be left at the moment `run -d` returns, not a moment later.
            Assert.True(stdout.Result == "" && stderr.Result == "", what);
            AssertNothingLeft(name, marker, what);
            outcome = Outcome.Cancelled;
        }
        else if (run.ExitCode == 0)
        {
            Assert.True(stdout.Result == $"{name}\n", what);
            var ps = _tool.Run("ps", "-a");
            Assert.True(ps.Stdout.Contains(name, StringComparison.Ordinal), what + "\n" + ps);
            Assert.Equal(0, _tool.Run("rm", "-f", name).ExitCode);
            WaitFor(() => _tool.Supervisors().Count == 0, what);
            AssertNothingLeft(name, marker, what);
            outcome = Outcome.Detached;
        }
        else
        {
            Assert.True(run.ExitCode == failureCode, what);
            Assert.Single(stderr.Result.TrimEnd('\n').Split('\n'));
            AssertNothingLeft(name, marker, what);
            outcome = Outcome.Failed;
        }
        return outcome;
    }

    private void AssertNothingLeft(string name, string marker, string what)
    {
        Assert.True(_tool.StateEntries().Count == 0, $"{what}: state {string.Join(' ', _tool.StateEntries())}");
        Assert.True(_tool.LeftMounts().Count == 0, $"{what}: mounts {string.Join(' ', _tool.LeftMounts())}");
        Assert.True(Cgroups.Named(_tool.CgroupPrefix).Count == 0, $"{what}: cgroups {string.Join(' ', Cgroups.Named(_tool.CgroupPrefix))}");
        Assert.True(Machine.ProcessesWith(marker).Count == 0, $"{what}: the command's processes are left");
        // The init's command line names its spec below the state root; a supervisor's environment names the root.
        Assert.True(Machine.ProcessesWith(_tool.StateRoot).Count == 0, $"{what}: an init is left");
        Assert.True(_tool.Supervisors().Count == 0, $"{what}: a supervisor is left");
        Assert.DoesNotContain(name, _tool.Run("ps", "-a").Stdout, StringComparison.Ordinal);
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting: {what}");
            Thread.Sleep(20);
        }
    }

    /// <summary>
    /// Signals as the state directory, the spec and the pid file appear (the pids are written just
    /// before "started": the handover itself), then at delays from 0 to 1.5 times the start.
    /// </summary>
    private IEnumerable<Trigger> Triggers(TimeSpan start, int points)
        => new[] { ContainerStateFiles.Lock, ContainerStateFiles.Spec, ContainerStateFiles.Pid }.Select(When)
            .Concat(Enumerable.Range(0, points).Select(i => After(start * 1.5 * i / (points - 1))));

    private void Sweep(string label, string[] options, int points)
    {
        var start = StartTime(options);
        _output.WriteLine($"run -d {label} takes {start.TotalMilliseconds:F0} ms here");
        var outcomes = Triggers(start, points)
            .Select((trigger, i) => SignalDuringStart($"dc-{label}{i}", options, Loop, trigger, i % 2 == 0 ? SIGTERM : SIGINT, failureCode: -1))
            .ToList();
        Assert.Contains(Outcome.Cancelled, outcomes);
        // A signal after the start touches nothing: if the machine was too slow for the sweep to reach
        // past the start, later points (at most three) until one does.
        for (int i = 0; !outcomes.Contains(Outcome.Detached) && i < 3; i++)
        {
            outcomes.Add(SignalDuringStart($"dc-{label}late{i}", options, Loop, After(start * (2 << i)), SIGTERM, failureCode: -1));
        }
        Assert.Contains(Outcome.Detached, outcomes);
    }

    [ContainerFact]
    public void A_signal_at_any_point_of_the_start_cancels_all_of_it_or_none()
        => Sweep("run", [], points: 8);

    [ContainerFact]
    public void With_rm_too()
        => Sweep("rm", ["--rm"], points: 3);

    [ContainerFact]
    public void A_start_that_fails_meanwhile_leaves_nothing_either_way()
    {
        // The command cannot be found: the start fails (127, its one line) unless the signal came first.
        var outcomes = new[] { When(ContainerStateFiles.Lock), When(ContainerStateFiles.Spec) }
            .Concat(Enumerable.Range(0, 4).Select(i => After(TimeSpan.FromMilliseconds(100 * i))))
            .Select((trigger, i) => SignalDuringStart($"dc-fail{i}", [], ["no-such-command"], trigger, i % 2 == 0 ? SIGTERM : SIGINT, failureCode: 127))
            .ToList();
        Assert.Contains(Outcome.Cancelled, outcomes);
    }
}
