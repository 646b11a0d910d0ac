using System.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using TinyDocker.Client;

namespace TinyDocker.Build;

/// <summary>
/// Runs a command in a throwaway tinydocker container by starting the tinydocker CLI as a child
/// process (runs in: the MSBuild node; it makes no namespace calls itself). The container's
/// stdout and stderr are logged line by line; lines in canonical error format become errors and
/// warnings (ToolTask's parsing). Failures are coded TD001-TD005 (see <see cref="ErrorCodes"/>).
/// </summary>
public sealed partial class RunInTinyContainer : ToolTask
{
    private RunRequest? _run;
    private CliTool? _tool;
    private volatile Process? _process;
    private volatile bool _cancelled;
    private string? _lastCliLine;
    private int _timeoutSeconds;

    /// <summary>The container's name; default: <see cref="NamePrefix"/> and a random suffix (unique per run, safe under -m).</summary>
    public string? Name { get; set; }

    /// <summary>The stem of the default name; default: the name of the file holding the task (the project, when the task is written there).</summary>
    public string? NamePrefix { get; set; }

    /// <summary>The image: a root filesystem directory, an image archive or a stored image name; empty = the host's root filesystem.</summary>
    public string? Image { get; set; }

    /// <summary>A shell command line, run as `/bin/sh -c Command` inside the container.</summary>
    public string? Command { get; set; }

    /// <summary>The command and its arguments, one item each, run directly (no shell).</summary>
    public ITaskItem[] Arguments { get; set; } = [];

    /// <summary>Bind mounts, HOST:CONTAINER[:ro|rw]; a relative HOST is taken from the project's directory.</summary>
    public ITaskItem[] Volumes { get; set; } = [];

    /// <summary>What to copy out after the command ends (also on failure), CONTAINER_PATH:HOST_PATH.</summary>
    public ITaskItem[] CopyOut { get; set; } = [];

    /// <summary>Capabilities added to the container (`--cap-add`), e.g. SYS_PTRACE, which dumps need.</summary>
    public ITaskItem[] CapAdd { get; set; } = [];

    /// <summary>Empty tmpfs directories mounted in the container (absolute paths), e.g. for files to copy out.</summary>
    public ITaskItem[] Tmpfs { get; set; } = [];

    /// <summary>Where the command starts inside the container; default: the project's directory.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// The container's time limit in seconds; when it passes, the container is stopped (TD002).
    /// Unlike ToolTask's own Timeout (milliseconds, kills only the tool), this one is enforced
    /// by tinydocker on the container, so ToolTask's timer is left off.
    /// </summary>
    public override int Timeout
    {
        get => System.Threading.Timeout.Infinite;
        set => _timeoutSeconds = value;
    }

    /// <summary>Memory limit, e.g. 512m or 1g.</summary>
    public string? Memory { get; set; }

    /// <summary>Maximum number of processes in the container.</summary>
    public int PidsLimit { get; set; }

    /// <summary>`none` (default of the CLI: a private network namespace) or `host`.</summary>
    public string? Network { get; set; }

    /// <summary>The tinydocker CLI to run (a binary, or a dll run with dotnet); default: the one in the package.</summary>
    public string? TinyDockerPath { get; set; }

    /// <summary>
    /// Where the CLI writes its start and end records during the run (created if missing; the
    /// file is deleted when the task ends); default: the temp directory. The package's targets
    /// pass the project's intermediate directory, so the record of a build killed mid-run is left
    /// under obj/, not in /tmp.
    /// </summary>
    public string? StatusDirectory { get; set; }

    /// <summary>True: output lines are only messages, never parsed as canonical errors and warnings (as Exec's parameter).</summary>
    public bool IgnoreStandardErrorWarningFormat { get; set; }

    /// <summary>Importance of the container's output lines in the log: high (default), normal or low.</summary>
    public string OutputImportance { get; set; } = "high";

    /// <summary>The name the container actually had (the default one when Name was empty).</summary>
    [Output]
    public string? ContainerName { get; private set; }

    protected override string ToolName => "tinydocker";

    protected override MessageImportance StandardOutputLoggingImportance => ParseImportance(OutputImportance) ?? MessageImportance.High;

    protected override MessageImportance StandardErrorLoggingImportance => StandardOutputLoggingImportance;

    /// <summary>
    /// The project's directory: MSBuild makes it the current directory while a project's task
    /// runs (in every node). Not the directory of the file holding the task, which for this
    /// package's target is the package's build folder.
    /// </summary>
    private static string ProjectDirectory => Directory.GetCurrentDirectory();

    private string CommandText => _run is null ? "" : ShellText.Join(_run.Command);

    protected override string GenerateFullPathToTool() => _tool!.FileName;

    public override bool Execute()
    {
        try
        {
            return base.Execute();
        }
        finally
        {
            if (_run?.JsonStatus is { } status)
            {
                File.Delete(status);
            }
        }
    }

    /// <summary>The container's shared directory is the one the CLI starts in: the project's.</summary>
    protected override string GetWorkingDirectory() => ProjectDirectory;

    /// <summary>Only for the log line; the process gets its arguments as a list (see <see cref="GetProcessStartInfo"/>).</summary>
    protected override string GenerateCommandLineCommands() => ShellText.Join(CliArguments());

    /// <summary>ToolTask would rewrite backslashes as path separators; arguments here are passed untouched.</summary>
    protected override string AdjustCommandsForOperatingSystem(string input) => input;

    protected override ProcessStartInfo GetProcessStartInfo(string pathToTool, string commandLineCommands, string responseFileSwitch)
    {
        // ToolTask joins arguments into one string; an argv list cannot be misquoted.
        var psi = base.GetProcessStartInfo(pathToTool, "", "");
        psi.Arguments = "";
        foreach (var arg in CliArguments())
        {
            psi.ArgumentList.Add(arg);
        }
        return psi;
    }

    protected override Process StartToolProcess(Process proc)
    {
        var started = base.StartToolProcess(proc);
        _process = started;
        return started;
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        // The CLI's own last line is its reason when it exits 125 before the container starts.
        if (singleLine.StartsWith(CliMessages.Prefix, StringComparison.Ordinal))
        {
            _lastCliLine = singleLine[CliMessages.Prefix.Length..];
        }
        if (IgnoreStandardErrorWarningFormat)
        {
            Log.LogMessage(messageImportance, "{0}", singleLine);
        }
        else
        {
            base.LogEventsFromTextOutput(singleLine, messageImportance);
        }
    }

    private IReadOnlyList<string> CliArguments() => [.. _tool!.PrefixArguments, .. _run!.ToArguments()];

    private static MessageImportance? ParseImportance(string? text)
        => Enum.TryParse<MessageImportance>(text, ignoreCase: true, out var importance) && Enum.IsDefined(importance) ? importance : null;
}
