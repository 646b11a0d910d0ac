using Microsoft.Build.Framework;
using TinyDocker.Client;

namespace TinyDocker.Build;

/// <summary>Validation before the run, failure reporting after it, and cancellation during it.</summary>
public sealed partial class RunInTinyContainer
{
    /// <summary>
    /// What only the task can judge (a command, an importance, the tool) is checked here, as TD004;
    /// every other value is the CLI's to check (its exit 125 is TD004 too, with its one line).
    /// </summary>
    protected override bool ValidateParameters()
    {
        if (!base.ValidateParameters())
        {
            return false;
        }
        var inputs = new RunInputs
        {
            Name = Name,
            ProjectName = NamePrefix is { Length: > 0 } ? NamePrefix
                : BuildEngine?.ProjectFileOfTaskNode is { Length: > 0 } p ? Path.GetFileNameWithoutExtension(p) : null,
            Image = Image,
            Command = Command,
            Arguments = Arguments.Select(i => i.ItemSpec).ToList(),
            Volumes = Volumes.Select(i => i.ItemSpec).ToList(),
            Environment = EnvironmentVariables ?? [],
            CopyOut = CopyOut.Select(i => i.ItemSpec).ToList(),
            Tmpfs = Tmpfs.Select(i => i.ItemSpec).ToList(),
            CapAdd = CapAdd.Select(i => i.ItemSpec).ToList(),
            WorkingDirectory = WorkingDirectory,
            TimeoutSeconds = _timeoutSeconds,
            Memory = Memory,
            PidsLimit = PidsLimit,
            Network = Network,
        };
        var problems = inputs.Problems().ToList();
        if (ParseImportance(OutputImportance) is null)
        {
            problems.Add($"OutputImportance `{OutputImportance}` must be high, normal or low");
        }
        var (tool, toolProblem) = ToolLocator.Find(TinyDockerPath, ProjectDirectory);
        if (toolProblem is not null)
        {
            problems.Add(toolProblem);
        }
        foreach (var problem in problems)
        {
            LogBadInput(problem);
        }
        if (problems.Count > 0)
        {
            return false;
        }
        _tool = tool;
        string statusDirectory = string.IsNullOrEmpty(StatusDirectory) ? Path.GetTempPath() : Path.GetFullPath(StatusDirectory, ProjectDirectory);
        Directory.CreateDirectory(statusDirectory);
        _run = inputs.ToRun(Path.Combine(statusDirectory, $"tinydocker-status-{Guid.NewGuid():N}.json"));
        ContainerName = _run.Name;
        Log.LogMessage(MessageImportance.High, "RunInTinyContainer: container `{0}`, image `{1}`, command `{2}`, tool `{3}`",
            _run.Name, _run.Image ?? "(host root)", CommandText, tool!.Description);
        return true;
    }

    /// <summary>
    /// Called for a non-zero exit: one coded error naming the container, the exit code and the
    /// command. How the container ended comes from the CLI's end record (--json-status); no end
    /// record and exit 125 means the CLI refused the run before anything started.
    /// </summary>
    protected override bool HandleTaskExecutionErrors()
    {
        string name = _run?.Name ?? "?";
        var status = _run?.JsonStatus is { } path ? RunStatus.Read(path) : null;
        if (_cancelled)
        {
            LogCoded(ErrorCodes.Cancelled, $"container `{name}` was cancelled while running `{CommandText}` (exit code {ExitCode})");
        }
        else if (ExitCodeOverriddenToIndicateErrors)
        {
            // The command exited 0 but printed canonical errors, which are logged already.
            Log.LogMessage(MessageImportance.Normal, "container `{0}` exited with 0 but reported errors", name);
        }
        else if (status is null && ExitCode == ExitCodes.TinyDockerError)
        {
            LogBadInput(_lastCliLine ?? "tinydocker refused the run (exit code 125) without saying why");
        }
        else if (status?.TimedOut == true)
        {
            LogCoded(ErrorCodes.TimedOut, $"container `{name}` timed out after {_run?.Timeout} s running `{CommandText}` and was stopped (exit code {ExitCode})");
        }
        else if (status?.OomKilled == true)
        {
            LogCoded(ErrorCodes.OutOfMemory, $"container `{name}` ran out of memory (limit {_run?.Memory ?? "none"}) running `{CommandText}` and was killed (exit code {ExitCode})");
        }
        else
        {
            string hint = ExitCode == ExitCodes.TinyDockerError ? " (tinydocker could not run it: see its message above)" : "";
            LogCoded(ErrorCodes.Failed, $"container `{name}` exited with code {ExitCode} running `{CommandText}`{hint}");
        }
        LogServiceLogs();
        return false;
    }

    /// <summary>A container that joined the project's services failed: their logs are in the build log too, since the cause may be theirs.</summary>
    private void LogServiceLogs()
    {
        if (Network is not { } network || !network.StartsWith("container:", StringComparison.Ordinal)
            || (BuildEngine as IBuildEngine4)?.GetRegisteredTaskObject(RunningServices.KeyOf(network["container:".Length..]), RegisteredTaskObjectLifetime.Build) is not RunningServices running)
        {
            return;
        }
        foreach (string service in running.Group.Names)
        {
            string tail = running.Group.LogTail(service).TrimEnd('\n');
            Log.LogMessage(MessageImportance.High, "service `{0}` ({1}), the last {2} lines of its log:{3}", running.ServiceOf(service), service, ServiceGroup.LogTailLines,
                tail.Length == 0 ? " (empty)" : "\n" + tail);
        }
    }

    /// <summary>
    /// Ctrl-C or a cancelled build: ask the CLI to stop (SIGTERM, which it passes to the container,
    /// then it removes its state), wait a little, then let ToolTask kill whatever is left.
    /// </summary>
    public override void Cancel()
    {
        _cancelled = true;
        var process = _process;
        try
        {
            if (process is not null && !process.HasExited && Signals.Send(process.Id, Signals.SIGTERM))
            {
                process.WaitForExit(TaskProcessTerminationTimeout);
            }
        }
        catch (InvalidOperationException)
        {
            // Not started or already gone: nothing to stop.
        }
        base.Cancel();
    }

    private void LogBadInput(string problem)
        => Log.LogError(null, ErrorCodes.BadInput, null, null, 0, 0, 0, 0, "RunInTinyContainer: {0}; nothing was run.", problem);

    private void LogCoded(string code, string message)
        => Log.LogError(null, code, null, null, 0, 0, 0, 0, "{0}", message);
}
