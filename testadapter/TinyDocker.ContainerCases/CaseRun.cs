using TinyDocker.Client;

namespace TinyDocker.TestAdapter;

/// <summary>
/// What one run of a case produced: the CLI's exit code and output, the CLI's end record (null when
/// the container never started), its times, the files it copied out and, for a failed case, the
/// evidence files made on the host (its changes listing and, if asked for, its upper layer).
/// </summary>
internal sealed record CaseRun(
    int ExitCode,
    string Stdout,
    string Stderr,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    string ResultsDir,
    IReadOnlyList<string> Files)
{
    public RunStatus? Status { get; init; }

    /// <summary>Files about the run, made by the adapter (not by the case): under <see cref="CaseRunner.EvidenceDirName"/>.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>Why the case did not run: a service of it did not start (with its log tail).</summary>
    public string? ServiceFailure { get; init; }

    public TimeSpan Duration => Ended - Started;
}
