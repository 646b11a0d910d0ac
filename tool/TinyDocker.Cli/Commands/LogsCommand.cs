using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`logs [-f] [--tail N] NAME`: a detached container's stdout and stderr, each to its own stream.</summary>
internal static class LogsCommand
{
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(50);

    public static void Register(CommandLineApplication app) => app.Command("logs", cmd =>
    {
        CliHelp.Describe(cmd, "Print a detached container's output: its stdout to stdout, its stderr to stderr, as written (raw bytes, as docker prints them). Kept until `rm`.",
            "[options] NAME", "logs db", "logs -f --tail 20 db");
        var follow = cmd.Flag("-f|--follow", "Keep printing new output until the container exits.");
        var tail = cmd.Value("-n|--tail", "N", "Only the last N lines (default: all that is kept, at most twice its --log-opt max-size).");
        var name = cmd.Argument("NAME", "A detached container, running or exited.");
        cmd.OnExecute(() =>
        {
            int? lines = tail.Value() is null or "all" ? null
                : int.TryParse(tail.Value(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)
                    ? n : throw new TinyDockerException($"invalid --tail `{tail.Value()}`: expected a number of lines or all");
            string n0 = name.Value ?? "";
            using var exit = ExitWatch.Open(StateRoot.Current, n0);
            using var cursor = new LogCursor(exit.Dir);
            if (ReadSpec(exit.Dir) is { Detached: false })
            {
                throw new TinyDockerException($"container `{n0}` was not started with -d: its output goes to its `run`");
            }
            using var stdout = Console.OpenStandardOutput();
            using var stderr = Console.OpenStandardError();
            var first = cursor.Poll();
            Write(lines is { } count ? first.TakeLast(count) : first, stdout, stderr);
            while (follow.HasValue())
            {
                bool exited = exit.Exited() is not null;
                Write(cursor.Poll(), stdout, stderr); // after the check: an exited container's last lines are in the file
                if (exited)
                {
                    break;
                }
                Thread.Sleep(FollowPoll);
            }
            return 0;
        });
    });

    private static ContainerSpec? ReadSpec(string dir)
    {
        try
        {
            return SpecJson.Read(Path.Combine(dir, ContainerState.SpecFile));
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or TinyDockerException)
        {
            return null;
        }
    }

    private static void Write(IEnumerable<ContainerLog.Entry> entries, Stream stdout, Stream stderr)
    {
        foreach (var entry in entries)
        {
            (entry.Stderr ? stderr : stdout).Write(entry.Output);
        }
        stdout.Flush();
        stderr.Flush();
    }
}
