using System.Diagnostics;

namespace TinyDocker.Client;

/// <summary>One finished run of the CLI: its exit code and what it printed.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The CLI's own last line (without `tinydocker: `), else the last line of stderr.</summary>
    public string Reason => CliMessages.LastReason(Stderr)
        ?? Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.TrimEnd('\r')
        ?? $"exit code {ExitCode}";
}

/// <summary>
/// Runs the CLI to its end with an argument list (never a shell), its stdin closed. Cancellation
/// sends it SIGTERM, which it passes on and cleans up after, then SIGKILL if it is still there
/// after a grace; the caller then removes whatever the cancelled verb may have made.
/// </summary>
internal static class CliRunner
{
    private static readonly TimeSpan TermGrace = TimeSpan.FromSeconds(5);

    public static CliResult Run(CliTool tool, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var psi = new ProcessStartInfo(tool.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in tool.PrefixArguments.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool.Description}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using (cancel.Register(() => Stop(process)))
        {
            process.WaitForExit();
        }
        // A detached service's supervisor holds neither pipe (its stdio is /dev/null), so both end with the CLI.
        var result = new CliResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        cancel.ThrowIfCancellationRequested();
        return result;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!Signals.Send(process.Id, Signals.SIGTERM) || process.WaitForExit(TermGrace))
            {
                return;
            }
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }
    }
}
