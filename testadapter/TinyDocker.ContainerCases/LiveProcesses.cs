using System.Diagnostics;
using TinyDocker.Client;

namespace TinyDocker.TestAdapter;

/// <summary>
/// The tinydocker CLI processes of one run, so that a cancel ends every one of them by pid.
/// Starting and cancelling take the same lock: no CLI starts after the cancel has swept.
/// </summary>
internal sealed class LiveProcesses
{
    /// <summary>How long a cancelled CLI gets to stop its container and remove its state after SIGTERM before it is SIGKILLed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly HashSet<Process> _live = [];
    private readonly CancellationTokenSource _cancelled = new();

    public CancellationToken Cancelled => _cancelled.Token;

    /// <summary>Starts the CLI, or returns null if the run was cancelled.</summary>
    public Process? Start(ProcessStartInfo startInfo)
    {
        lock (_lock)
        {
            if (_cancelled.IsCancellationRequested)
            {
                return null;
            }
            var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {startInfo.FileName}");
            _live.Add(process);
            return process;
        }
    }

    public void Finished(Process process)
    {
        lock (_lock)
        {
            _live.Remove(process);
        }
    }

    /// <summary>
    /// SIGTERM to every live CLI (it forwards the signal to its container and cleans up), then
    /// SIGKILL to any still running after <see cref="StopGrace"/> (its container dies with it;
    /// `tinydocker prune` removes the state it leaves).
    /// </summary>
    public void CancelAll()
    {
        Process[] live;
        lock (_lock)
        {
            _cancelled.Cancel();
            live = [.. _live];
        }
        foreach (var p in live)
        {
            try
            {
                if (!OperatingSystem.IsLinux() || !Signals.Send(p.Id, Signals.SIGTERM))
                {
                    p.Kill();
                }
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
        }
        foreach (var p in live)
        {
            try
            {
                if (!p.WaitForExit(StopGrace))
                {
                    p.Kill();
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
