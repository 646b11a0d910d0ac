using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;
using TinyDocker.Client;

namespace TinyDocker.TestAdapter;

/// <summary>
/// Execution: every selected case in its own container, up to MaxParallel at once, each reported
/// as it ends. `dotnet test` calls the sources overload (and passes --filter in the run context);
/// an IDE running chosen tests calls the test-case overload.
/// </summary>
[ExtensionUri(AdapterIds.ExecutorUriString)]
public sealed class ContainerTestExecutor : ITestExecutor
{
    private readonly Lock _reportLock = new();
    private LiveProcesses? _live;
    private volatile bool _cancelRequested;

    public void RunTests(IEnumerable<string>? sources, IRunContext? runContext, IFrameworkHandle? frameworkHandle)
    {
        ArgumentNullException.ThrowIfNull(frameworkHandle);
        Run(frameworkHandle, runContext, () => CaseFilter.Apply(TestCases.Read(sources ?? []), runContext).ToList());
    }

    public void RunTests(IEnumerable<TestCase>? tests, IRunContext? runContext, IFrameworkHandle? frameworkHandle)
    {
        ArgumentNullException.ThrowIfNull(frameworkHandle);
        Run(frameworkHandle, runContext, () => Declared(tests ?? [], frameworkHandle));
    }

    /// <summary>Ends every running case's CLI, by pid; the CLIs remove their containers.</summary>
    public void Cancel()
    {
        _cancelRequested = true;
        Volatile.Read(ref _live)?.CancelAll();
    }

    /// <summary>The chosen tests with their settings, re-read from the cases files (a TestCase carries only its name).</summary>
    private List<(ContainerCase Case, TestCase Test)> Declared(IEnumerable<TestCase> tests, IFrameworkHandle handle)
    {
        var result = new List<(ContainerCase, TestCase)>();
        foreach (var group in tests.GroupBy(t => t.Source, StringComparer.Ordinal))
        {
            var declared = CasesFile.Read(group.Key).ToDictionary(c => c.Name, StringComparer.Ordinal);
            foreach (var test in group)
            {
                if (declared.TryGetValue(test.FullyQualifiedName, out var c))
                {
                    result.Add((c, test));
                }
                else
                {
                    handle.RecordResult(new TestResult(test)
                    {
                        Outcome = TestOutcome.NotFound,
                        ErrorMessage = $"{test.FullyQualifiedName} is no longer declared as a TinyContainerTest of {Path.GetFileName(group.Key)}: rebuild the test project",
                    });
                }
            }
        }
        return result;
    }

    private void Run(IFrameworkHandle handle, IRunContext? runContext, Func<List<(ContainerCase Case, TestCase Test)>> select)
    {
        List<(ContainerCase Case, TestCase Test)> cases;
        AdapterSettings settings;
        try
        {
            settings = AdapterSettings.Parse(runContext?.RunSettings?.SettingsXml, Environment.GetEnvironmentVariable);
            cases = select();
        }
        catch (Exception e) when (e is AdapterSettingsException or InvalidDataException or IOException or System.Xml.XmlException)
        {
            handle.SendMessage(TestMessageLevel.Error, $"tinydocker: {e.Message}");
            return;
        }
        if (cases.Count == 0)
        {
            return;
        }
        if (settings.Shard is { } shard)
        {
            int all = cases.Count;
            cases = cases.Where(c => shard.Contains(c.Case.Name)).ToList();
            handle.SendMessage(TestMessageLevel.Informational, $"tinydocker: shard {shard} runs {cases.Count} of {all} container cases");
        }
        var live = new LiveProcesses();
        Volatile.Write(ref _live, live);
        if (_cancelRequested)
        {
            return; // cancelled before it started
        }
        // vstest.console stopped by Ctrl+C or a signal makes the test host exit without calling
        // Cancel: the CLIs it started must not outlive it.
        EventHandler onExit = (_, _) => live.CancelAll();
        AppDomain.CurrentDomain.ProcessExit += onExit;
        try
        {
            string resultsRoot = ResultsRoot(runContext, cases[0].Test.Source);
            handle.SendMessage(TestMessageLevel.Informational, $"tinydocker: running {cases.Count} container cases, up to {settings.MaxParallel} at once; results in {resultsRoot}");
            using var services = new CaseServices(settings.StateRoot is { } root ? new Dictionary<string, string> { ["TINYDOCKER_ROOT"] = root } : null);
            RunAll(cases, settings, resultsRoot, live, services, handle).GetAwaiter().GetResult();
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= onExit;
        }
    }

    private async Task RunAll(List<(ContainerCase Case, TestCase Test)> cases, AdapterSettings settings, string resultsRoot, LiveProcesses live, CaseServices services, IFrameworkHandle handle)
    {
        using var slots = new SemaphoreSlim(settings.MaxParallel);
        var runs = cases.Select(async c =>
        {
            await slots.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!live.Cancelled.IsCancellationRequested)
                {
                    await RunOne(c.Case, c.Test, settings, resultsRoot, live, services, handle).ConfigureAwait(false);
                }
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private async Task RunOne(ContainerCase c, TestCase test, AdapterSettings settings, string resultsRoot, LiveProcesses live, CaseServices services, IFrameworkHandle handle)
    {
        Report(() => handle.RecordStart(test));
        TestResult result;
        try
        {
            var tool = ResolveTool(settings.ToolPath, c.ToolPath);
            var run = await new CaseRunner(tool, new CaseDefaults(settings.Image, settings.StateRoot), resultsRoot, live, services).RunAsync(c).ConfigureAwait(false);
            if (run is null || live.Cancelled.IsCancellationRequested)
            {
                // Cut short by a cancel: the run as a whole is reported cancelled, not this case as failed.
                Report(() => handle.RecordEnd(test, TestOutcome.None));
                return;
            }
            result = ResultBuilder.Build(test, c, run);
        }
        catch (Exception e) when (e is AdapterSettingsException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            result = new TestResult(test) { Outcome = TestOutcome.Failed, ErrorMessage = $"tinydocker: {e.Message}" };
        }
        Report(() =>
        {
            handle.RecordResult(result);
            handle.RecordEnd(test, result.Outcome);
            if (result.Outcome == TestOutcome.Skipped)
            {
                // The console logger shows a skipped test's reason only at detailed verbosity; a warning is shown at every one.
                handle.SendMessage(TestMessageLevel.Warning, $"tinydocker: {test.DisplayName} skipped: {result.ErrorMessage}");
            }
        });
    }

    /// <summary>The override (run settings, then TINYDOCKER_PATH) if any, else the package's CLI named in the cases file (its NativeAOT build when it has one for this machine).</summary>
    internal static CliTool ResolveTool(string? overridePath, string? packagedPath)
    {
        string path = overridePath ?? packagedPath
            ?? throw new AdapterSettingsException($"no tinydocker CLI: the cases file names none; set {AdapterSettings.ToolPathVariable} or the run setting {AdapterSettings.SectionName}.ToolPath");
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            string from = overridePath is null ? "the TinyDocker.TestAdapter package" : $"{AdapterSettings.ToolPathVariable} / {AdapterSettings.SectionName}.ToolPath";
            throw new AdapterSettingsException($"the tinydocker CLI `{path}` (from {from}) does not exist");
        }
        return CliTool.For(path, preferNative: overridePath is null);
    }

    /// <summary>
    /// Copied-out files go under the run's results directory (beside the TRX); without one, under
    /// TestResults beside the test assembly, as the hosted cases do (ContainerCases/HostedCases.cs).
    /// Never under a fixed name in the shared /tmp: another user could make /tmp/tinydocker first, or
    /// a link by that name, and so receive what the cases copy out. A directory whose path holds `:`
    /// cannot be a --copy-out destination: then a fresh private one (mkdtemp, mode 0700).
    /// </summary>
    private static string ResultsRoot(IRunContext? runContext, string source)
    {
        string? runDir = runContext?.TestRunDirectory;
        string baseDir = runDir is { Length: > 0 } ? runDir : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source))!, "TestResults");
        if (baseDir.Contains(':', StringComparison.Ordinal))
        {
            baseDir = Directory.CreateTempSubdirectory("tinydocker-results-").FullName;
        }
        return Path.Combine(baseDir, "tinydocker", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);
    }

    /// <summary>The framework handle is called from many case runs at once; one at a time is safe with every logger.</summary>
    private void Report(Action action)
    {
        lock (_reportLock)
        {
            action();
        }
    }
}
