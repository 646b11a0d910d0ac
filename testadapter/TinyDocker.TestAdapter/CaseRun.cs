namespace TinyDocker.TestAdapter;

/// <summary>What one run of a case produced: the CLI's exit code and output, its times, and the files it copied out.</summary>
internal sealed record CaseRun(
    int ExitCode,
    string Stdout,
    string Stderr,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    string ResultsDir,
    IReadOnlyList<string> Files)
{
    public TimeSpan Duration => Ended - Started;
}
