using System.Diagnostics;
using TinyDocker.Client;

namespace TinyDocker.TestAdapter;

/// <summary>Defaults for every case of a run: the image of cases that name none, and the CLI's state root.</summary>
internal sealed record CaseDefaults(string? Image = null, string? StateRoot = null);

/// <summary>
/// Runs one case: `tinydocker run` in a new, uniquely named container, from the project directory
/// (which the container sees copy-on-write at the same path), with the case's metadata, copying the
/// container's results directory (a tmpfs) out to the host. The CLI's end record (--json-status)
/// says how it ended; its upper layer (--keep-upper) becomes the failure's evidence.
/// </summary>
internal sealed class CaseRunner(CliTool tool, CaseDefaults defaults, string resultsRoot, LiveProcesses live, CaseServices? services = null)
{
    /// <summary>Where a case writes files to attach to its result; its $TINYDOCKER_RESULTS.</summary>
    public const string ContainerResultsDir = "/tinydocker-results";

    /// <summary>The folder, beside the copied-out results, of the files the adapter makes about a run.</summary>
    public const string EvidenceDirName = "tinydocker-evidence";

    /// <summary>Runs the case to its end; null if the run was cancelled before it started.</summary>
    public async Task<CaseRun?> RunAsync(ContainerCase c)
    {
        string name = ContainerNames.For(c.Name);
        string resultsDir = Path.Combine(resultsRoot, name);
        string work = Path.Combine(resultsRoot, ".run-" + name);
        Directory.CreateDirectory(work);
        ServiceLease? lease = null;
        try
        {
            if (c.Services.Count > 0)
            {
                var asked = DateTimeOffset.Now;
                try
                {
                    lease = await (services ?? throw new InvalidOperationException("services without a service pool")).AcquireAsync(c, tool, live.Cancelled).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
                catch (Exception e) when (e is ServiceStartException or ServiceCommandException or InvalidOperationException)
                {
                    return new CaseRun(-1, "", "", asked, DateTimeOffset.Now, resultsDir, []) { ServiceFailure = ServiceMessage(e) };
                }
                if (c.Network is { } network)
                {
                    return new CaseRun(-1, "", "", asked, DateTimeOffset.Now, resultsDir, [])
                    {
                        ServiceFailure = $"Network `{network}` and Services: a case with services joins their network; remove its Network",
                    };
                }
                c = c with { Network = lease!.Group.Network };
            }
            var psi = StartInfo(c, name, resultsDir, work);
            var started = DateTimeOffset.Now;
            using var process = live.Start(psi);
            if (process is null)
            {
                return null;
            }
            try
            {
                process.StandardInput.Close();
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync().ConfigureAwait(false);
                var ended = DateTimeOffset.Now;
                var run = new CaseRun(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), started, ended, resultsDir, FilesIn(resultsDir))
                {
                    Status = RunStatus.Read(Path.Combine(work, "status.json")),
                };
                return run.ExitCode is 0 or CaseVerdict.SkipExitCode
                    ? run
                    : run with { Evidence = CaseEvidence.Collect(Path.Combine(work, "upper"), Path.Combine(resultsDir, EvidenceDirName), c, ContainerResultsDir) };
            }
            finally
            {
                live.Finished(process);
            }
        }
        finally
        {
            lease?.Dispose();
            // The saved upper layer is the container's writes: root-owned, possibly large; never left behind.
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Why the case's services did not start: the service, the CLI's line and the last lines of its log.</summary>
    private static string ServiceMessage(Exception e) => e switch
    {
        ServiceStartException s => $"service `{ServiceOf(s.Service)}` did not start ({s.Service}): {s.Reason}"
            + (s.LogTail.Trim().Length > 0 ? $"\nits log's last lines:\n{s.LogTail.TrimEnd('\n')}" : ""),
        _ => $"services: {e.Message}",
    };

    /// <summary>`svc-db-1a2b3c4d` → `db`.</summary>
    private static string ServiceOf(string container) => container.StartsWith("svc-", StringComparison.Ordinal) && container.LastIndexOf('-') is > 4 and var dash ? container[4..dash] : container;

    internal ProcessStartInfo StartInfo(ContainerCase c, string containerName, string resultsDir, string work)
    {
        var psi = new ProcessStartInfo(tool.FileName)
        {
            WorkingDirectory = c.ProjectDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in Arguments(c, containerName, resultsDir, work))
        {
            psi.ArgumentList.Add(a);
        }
        if (defaults.StateRoot is { } stateRoot)
        {
            psi.Environment["TINYDOCKER_ROOT"] = stateRoot;
        }
        return psi;
    }

    internal IEnumerable<string> Arguments(ContainerCase c, string containerName, string resultsDir, string work)
        => tool.PrefixArguments.Concat(Request(c, containerName, resultsDir, work).ToArguments());

    internal RunRequest Request(ContainerCase c, string containerName, string resultsDir, string work) => new()
    {
        Name = containerName,
        Image = c.Image ?? defaults.Image,
        Command = Command(c),
        Timeout = c.Timeout,
        Memory = c.Memory,
        Network = c.Network,
        User = c.User,
        Volumes = c.Volumes,
        Environment = [.. c.Environment, $"TINYDOCKER_RESULTS={ContainerResultsDir}", $"TINYDOCKER_TEST_NAME={c.Name}"],
        // A tmpfs, so the directory exists whether or not the image has it, then copied out as it is.
        Tmpfs = [ContainerResultsDir],
        CopyOut = [$"{ContainerResultsDir}:{resultsDir}"],
        JsonStatus = Path.Combine(work, "status.json"),
        KeepUpper = Path.Combine(work, "upper"),
    };

    /// <summary>An executable script runs itself (its #! line decides); any other through /bin/sh.</summary>
    private static IReadOnlyList<string> Command(ContainerCase c)
        => !OperatingSystem.IsWindows() && File.Exists(c.ScriptPath) && (File.GetUnixFileMode(c.ScriptPath) & UnixFileMode.UserExecute) != 0
            ? [c.ScriptPath]
            : ["/bin/sh", c.ScriptPath];

    /// <summary>
    /// The regular files the case left, in their folders. What the container left is its to choose:
    /// a symlink (copy-out keeps links as links) is never attached or followed, or a logger copying
    /// attachments would copy whatever host file it points at.
    /// </summary>
    private static IReadOnlyList<string> FilesIn(string dir)
        => Directory.Exists(dir)
            ? HostTree.Walk(dir).Where(e => e is FileInfo { LinkTarget: null }).Select(e => e.FullName).Order(StringComparer.Ordinal).ToList()
            : [];
}
