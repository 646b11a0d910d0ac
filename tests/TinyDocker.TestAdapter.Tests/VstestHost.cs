using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>
/// What a test host hands an executor, for calling the adapter in-process: run settings and a
/// results directory in, results and messages recorded out. The containers it runs are real.
/// </summary>
internal sealed class RunContext(string settingsXml, string? testRunDirectory) : IRunContext, IRunSettings
{
    public IRunSettings? RunSettings => this;

    public string? SettingsXml => settingsXml;

    public bool KeepAlive => false;

    public bool InIsolation => false;

    public bool IsDataCollectionEnabled => false;

    public bool IsBeingDebugged => false;

    public string? TestRunDirectory => testRunDirectory;

    public string? SolutionDirectory => null;

    public ISettingsProvider? GetSettings(string? settingsName) => null;

    public ITestCaseFilterExpression? GetTestCaseFilter(IEnumerable<string>? supportedProperties, Func<string, TestProperty?> propertyProvider) => null;
}

internal sealed class RecordingFrameworkHandle : IFrameworkHandle
{
    private readonly Lock _lock = new();

    public List<TestResult> Results { get; } = [];

    public List<(TestCase Test, TestOutcome Outcome)> Ends { get; } = [];

    public List<(TestMessageLevel Level, string Message)> Messages { get; } = [];

    public bool EnableShutdownAfterTestRun { get; set; }

    public int LaunchProcessWithDebuggerAttached(string filePath, string? workingDirectory, string? arguments, IDictionary<string, string?>? environmentVariables)
        => throw new NotSupportedException();

    public void RecordAttachments(IList<AttachmentSet> attachmentSets)
    {
    }

    public void RecordEnd(TestCase testCase, TestOutcome outcome)
    {
        lock (_lock)
        {
            Ends.Add((testCase, outcome));
        }
    }

    public void RecordResult(TestResult testResult)
    {
        lock (_lock)
        {
            Results.Add(testResult);
        }
    }

    public void RecordStart(TestCase testCase)
    {
    }

    public void SendMessage(TestMessageLevel testMessageLevel, string message)
    {
        lock (_lock)
        {
            Messages.Add((testMessageLevel, message));
        }
    }
}
