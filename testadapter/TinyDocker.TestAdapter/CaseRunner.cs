using System.Diagnostics;

namespace TinyDocker.TestAdapter;

/// <summary>
/// Runs one case: `tinydocker run` in a new, uniquely named container, from the project directory
/// (which the container sees copy-on-write at the same path), with the case's image, timeout and
/// memory limit, copying the container's results directory (a tmpfs) out to the host.
/// </summary>
internal sealed class CaseRunner(ToolCommand tool, AdapterSettings settings, string resultsRoot, LiveProcesses live)
{
    /// <summary>Where a case writes files to attach to its result; its $TINYDOCKER_RESULTS.</summary>
    public const string ContainerResultsDir = "/tinydocker-results";

    /// <summary>Runs the case to its end; null if the run was cancelled before it started.</summary>
    public async Task<CaseRun?> RunAsync(ContainerCase c)
    {
        string name = ContainerNames.For(c.Name);
        string resultsDir = Path.Combine(resultsRoot, name);
        Directory.CreateDirectory(resultsRoot);
        var psi = StartInfo(c, name, resultsDir);

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
            return new CaseRun(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), started, ended, resultsDir, FilesIn(resultsDir));
        }
        finally
        {
            live.Finished(process);
        }
    }

    internal ProcessStartInfo StartInfo(ContainerCase c, string containerName, string resultsDir)
    {
        var psi = new ProcessStartInfo(tool.FileName)
        {
            WorkingDirectory = c.ProjectDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in Arguments(c, containerName, resultsDir))
        {
            psi.ArgumentList.Add(a);
        }
        if (settings.StateRoot is { } stateRoot)
        {
            psi.Environment["TINYDOCKER_ROOT"] = stateRoot;
        }
        return psi;
    }

    internal IEnumerable<string> Arguments(ContainerCase c, string containerName, string resultsDir)
    {
        foreach (var a in tool.PrefixArguments)
        {
            yield return a;
        }
        yield return "run";
        yield return "--die-with-parent"; // no container outlives a test host that is killed outright
        if ((c.Image ?? settings.Image) is { } image)
        {
            yield return "--image";
            yield return image;
        }
        if (c.Timeout is { } timeout)
        {
            yield return "--timeout";
            yield return timeout;
        }
        if (c.Memory is { } memory)
        {
            yield return "--memory";
            yield return memory;
        }
        // A tmpfs, so the directory exists whether or not the image has it, then copied out as it is.
        yield return "--tmpfs";
        yield return ContainerResultsDir;
        yield return "--copy-out";
        yield return $"{ContainerResultsDir}:{resultsDir}";
        yield return "-e";
        yield return $"TINYDOCKER_RESULTS={ContainerResultsDir}";
        yield return "-e";
        yield return $"TINYDOCKER_TEST_NAME={c.Name}";
        yield return containerName;
        foreach (var a in Command(c))
        {
            yield return a;
        }
    }

    /// <summary>An executable script runs itself (its #! line decides); any other through /bin/sh.</summary>
    private static IEnumerable<string> Command(ContainerCase c)
        => !OperatingSystem.IsWindows() && File.Exists(c.ScriptPath) && (File.GetUnixFileMode(c.ScriptPath) & UnixFileMode.UserExecute) != 0
            ? [c.ScriptPath]
            : ["/bin/sh", c.ScriptPath];

    private static IReadOnlyList<string> FilesIn(string dir)
        => Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];
}
