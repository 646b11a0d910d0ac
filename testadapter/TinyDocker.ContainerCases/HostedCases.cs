using System.ComponentModel;
using TinyDocker.Client;
using TinyDocker.TestAdapter;

namespace TinyDocker.ContainerCases;

/// <summary>How a hosted case ended.</summary>
public enum HostedOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One file to attach to a case's result; <see cref="Name"/> keeps its folders (`logs/app.log`).</summary>
public sealed record HostedAttachment(string Path, string Name);

/// <summary>What a hosted case reports: its outcome, why, its output (once each) and its files.</summary>
public sealed record HostedResult(HostedOutcome Outcome, string? Message, int ExitCode, string Stdout, string Stderr, TimeSpan Duration, IReadOnlyList<HostedAttachment> Attachments);

/// <summary>
/// The entry point of the tests the TinyDocker.TestAdapter package generates under
/// Microsoft.Testing.Platform (one MSTest or xunit.v3 test per TinyContainerTest item, calling
/// <see cref="Run"/>): the case runs exactly as under the VSTest adapter, and the generated test
/// turns the result into its framework's pass, failure or skip. Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class HostedCases
{
    private static readonly Lock RunningLock = new();
    private static readonly HashSet<LiveProcesses> Running = NewRunning();

    /// <summary>The application's services: a run-scoped one lives from the first case that needs it to the application's exit.</summary>
    private static readonly CaseServices Services = new(null);

    /// <summary>Runs the case named <paramref name="caseName"/> of the test assembly at <paramref name="assemblyPath"/>.</summary>
    public static HostedResult Run(string assemblyPath, string caseName, string? resultsDirectory, CancellationToken cancellation)
    {
        var c = CasesFile.Read(assemblyPath, CasesFile.HostedSuffix).FirstOrDefault(x => x.Name == caseName);
        if (c is null)
        {
            return Failed($"{caseName} is not declared in {CasesFile.PathFor(assemblyPath, CasesFile.HostedSuffix)}: rebuild the test project");
        }
        string? tool = Environment.GetEnvironmentVariable("TINYDOCKER_PATH") is { Length: > 0 } t ? t : c.ToolPath;
        if (tool is null || !File.Exists(tool))
        {
            return Failed($"tinydocker: the tinydocker CLI `{tool}` does not exist (set TINYDOCKER_PATH, or restore the TinyDocker.TestAdapter package)");
        }
        // Without a results directory from the framework (xunit.v3, NUnit): MTP's own default beside the
        // test application, never a fixed name in the shared /tmp, which another user could make first
        // (or make a link) and so receive what the cases copy out.
        string root = Path.Combine(resultsDirectory is { Length: > 0 } r ? r : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!, "TestResults"), "tinydocker");
        // Each case its own set: the framework's cancel of one test must not cancel the next.
        var live = new LiveProcesses();
        lock (RunningLock)
        {
            Running.Add(live);
        }
        CaseRun? run;
        try
        {
            var runner = new CaseRunner(CliTool.For(tool, preferNative: tool == c.ToolPath), new CaseDefaults(Environment.GetEnvironmentVariable("TINYDOCKER_IMAGE") is { Length: > 0 } i ? i : null), root, live, Services);
            using var onCancel = cancellation.Register(live.CancelAll);
            run = runner.RunAsync(c).GetAwaiter().GetResult();
        }
        finally
        {
            lock (RunningLock)
            {
                Running.Remove(live);
            }
        }
        if (run is null)
        {
            return new HostedResult(HostedOutcome.Skipped, "cancelled before it started", -1, "", "", TimeSpan.Zero, []);
        }
        var (outcome, message) = CaseVerdict.Of(c, run);
        var files = run.Files.Concat(run.Evidence).Select(f => new HostedAttachment(f, Path.GetRelativePath(run.ResultsDir, f))).ToList();
        return new HostedResult((HostedOutcome)outcome, message, run.ExitCode, run.Stdout, run.Stderr, run.Duration, files);
    }

    private static HostedResult Failed(string message) => new(HostedOutcome.Failed, message, -1, "", "", TimeSpan.Zero, []);

    /// <summary>The live CLIs of the cases running now, every one ended when the test application exits (Ctrl+C on `dotnet test`).</summary>
    private static HashSet<LiveProcesses> NewRunning()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            LiveProcesses[] all;
            lock (RunningLock)
            {
                all = [.. Running];
            }
            foreach (var live in all)
            {
                live.CancelAll();
            }
            Services.Dispose();
        };
        return [];
    }
}
