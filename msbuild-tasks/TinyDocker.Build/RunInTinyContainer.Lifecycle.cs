using Microsoft.Build.Framework;

namespace TinyDocker.Build;

/// <summary>Validation before the run, failure reporting after it, and cancellation during it.</summary>
public sealed partial class RunInTinyContainer
{
    /// <summary>Every bad input is reported at once, as TD004, before anything runs.</summary>
    protected override bool ValidateParameters()
    {
        if (!base.ValidateParameters())
        {
            return false;
        }
        string baseDir = ProjectDirectory;
        var inputs = new RunInputs
        {
            BaseDirectory = baseDir,
            Name = Name,
            ProjectName = NamePrefix is { Length: > 0 } ? NamePrefix
                : BuildEngine?.ProjectFileOfTaskNode is { Length: > 0 } p ? Path.GetFileNameWithoutExtension(p) : null,
            Image = Image,
            Command = Command,
            Arguments = Arguments.Select(i => i.ItemSpec).ToList(),
            Volumes = Volumes.Select(i => i.ItemSpec).ToList(),
            Environment = EnvironmentVariables ?? [],
            CopyOut = CopyOut.Select(i => i.ItemSpec).ToList(),
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
        var (tool, toolProblem) = ToolLocator.Find(TinyDockerPath, baseDir);
        if (toolProblem is not null)
        {
            problems.Add(toolProblem);
        }
        foreach (var problem in problems)
        {
            Log.LogError(null, ErrorCodes.BadInput, null, null, 0, 0, 0, 0, "RunInTinyContainer: {0}; nothing was run.", problem);
        }
        if (problems.Count > 0)
        {
            return false;
        }
        _tool = tool;
        _run = inputs.ToRun();
        ContainerName = _run.Name;
        Log.LogMessage(MessageImportance.High, "RunInTinyContainer: container `{0}`, image `{1}`, command `{2}`, tool `{3}`",
            _run.Name, _run.Image ?? "(host root)", CommandText, tool!.Description);
        return true;
    }

    /// <summary>Called for a non-zero exit: one coded error naming the container, the exit code and the command.</summary>
    protected override bool HandleTaskExecutionErrors()
    {
        string name = _run?.Name ?? "?";
        if (_cancelled)
        {
            LogCoded(ErrorCodes.Cancelled, $"container `{name}` was cancelled while running `{CommandText}` (exit code {ExitCode})");
        }
        else if (ExitCodeOverriddenToIndicateErrors)
        {
            // The command exited 0 but printed canonical errors, which are logged already.
            Log.LogMessage(MessageImportance.Normal, "container `{0}` exited with 0 but reported errors", name);
        }
        else if (ExitCode == 124 && _sawTimedOut)
        {
            LogCoded(ErrorCodes.TimedOut, $"container `{name}` timed out after {_timeoutSeconds} s running `{CommandText}` and was stopped (exit code 124)");
        }
        else if (ExitCode == 137 && _sawOutOfMemory)
        {
            LogCoded(ErrorCodes.OutOfMemory, $"container `{name}` ran out of memory (limit {_run?.Memory ?? "none"}) running `{CommandText}` and was killed (exit code 137)");
        }
        else
        {
            string hint = ExitCode == 125 ? " (tinydocker could not run it: see its message above)" : "";
            LogCoded(ErrorCodes.Failed, $"container `{name}` exited with code {ExitCode} running `{CommandText}`{hint}");
        }
        return false;
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

    private void LogCoded(string code, string message)
        => Log.LogError(null, code, null, null, 0, 0, 0, 0, "{0}", message);
}
