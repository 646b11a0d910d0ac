// Runs in: the host tool: `wait`.
using TinyDocker.Runtime.State;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// `wait --for …`: probes each condition not yet met, every 100 ms, until all are met (0), the
/// container exits first (1, its exit code and the tail of its log on stderr), or the timeout
/// passes (124). A container found exited is never ready, whatever its log says. A condition
/// once met stays met. The log is followed from its start by one cursor, which also keeps the
/// tail: it is there even when --rm removed the directory.
/// </summary>
public static class ServiceWait
{
    public const int NotReady = 1;
    private const int TailLines = 20;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static int ForReady(string root, string name, IReadOnlyList<ReadinessCheck> checks, TimeSpan timeout, TextWriter stderr)
    {
        using var exit = ExitWatch.Open(root, name);
        using var log = new LogCursor(exit.Dir);
        var tail = new Queue<ContainerLog.Entry>();
        var pending = checks.ToList();
        var deadline = MonotonicClock.Now + timeout;
        string? probeError = null;
        while (true)
        {
            var exited = exit.Exited();
            foreach (var entry in log.Poll())
            {
                pending.RemoveAll(c => c is ReadinessCheck.Log l && l.Matches(entry));
                tail.Enqueue(entry);
                if (tail.Count > TailLines)
                {
                    tail.Dequeue();
                }
            }
            if (exited is { } end)
            {
                string code = end.Record is { } r ? $"exited with code {r.ExitCode}" : "ended (its supervisor was killed)";
                stderr.WriteLine($"tinydocker: container `{name}` {code} before it was ready (waiting for {Waiting(pending)})");
                WriteTail(tail, stderr);
                return NotReady;
            }
            pending.RemoveAll(c => Probe(c, root, name, ref probeError));
            if (pending.Count == 0)
            {
                return 0;
            }
            var now = MonotonicClock.Now;
            if (now >= deadline)
            {
                string why = probeError is null ? "" : $"; the last probe: {probeError}";
                stderr.WriteLine($"tinydocker: container `{name}` not ready after {Durations.Format(timeout)} (waiting for {Waiting(pending)}{why})");
                WriteTail(tail, stderr);
                return ExitCodes.TimedOut;
            }
            Thread.Sleep(deadline - now < Interval ? deadline - now : Interval);
        }
    }

    /// <summary>Plain `wait NAME`: blocks until it exits; its exit code.</summary>
    public static int ForExit(string root, string name)
    {
        using var exit = ExitWatch.Open(root, name);
        while (true)
        {
            if (exit.Exited() is { } end)
            {
                return end.Record?.ExitCode
                    ?? throw new TinyDockerException($"container `{name}` ended without an exit code (its supervisor was killed): `prune` removes it");
            }
            Thread.Sleep(50);
        }
    }

    /// <summary>
    /// A probe that cannot be made is not met. A container that is exiting fails its probes (its
    /// init is gone) while its supervisor still holds the name: the next round sees the exit and
    /// reports it; a lasting reason is named at the timeout.
    /// </summary>
    private static bool Probe(ReadinessCheck check, string root, string name, ref string? error)
    {
        try
        {
            return check switch
            {
                ReadinessCheck.Tcp tcp => tcp.Probe(root, name),
                ReadinessCheck.Cmd cmd => cmd.Probe(root, name),
                _ => false,
            };
        }
        catch (TinyDockerException e)
        {
            error = e.Message;
            return false;
        }
    }

    private static string Waiting(List<ReadinessCheck> pending) => string.Join(", ", pending.Select(c => c.Text));

    /// <summary>The container's bytes, unchanged, as `logs` prints them (docs/services.md: raw, as docker).</summary>
    private static void WriteTail(IEnumerable<ContainerLog.Entry> tail, TextWriter stderr)
    {
        stderr.Flush();
        using var raw = Console.OpenStandardError();
        foreach (var entry in tail)
        {
            raw.Write(entry.Output);
        }
    }
}
