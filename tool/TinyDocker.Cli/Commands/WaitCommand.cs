using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`wait NAME...` (docker's: until exit, print the code) and `wait --for CHECK... NAME` (until ready).</summary>
internal static class WaitCommand
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static void Register(CommandLineApplication app) => app.Command("wait", cmd =>
    {
        CliHelp.Describe(cmd, "Without --for: block until each container exits and print its exit code (as docker). With --for: return once the container is ready.",
            "[options] NAME...", "wait --for tcp:5432 db", "wait --for log:'ready to accept' --for cmd:'pg_isready' --timeout 30s db", "wait job1");
        cmd.ExtendedHelpText = """

            Checks (all must pass; each is retried every 100 ms until it does):
              tcp:PORT      a TCP connect to 127.0.0.1:PORT in the container's network namespace succeeds
              cmd:COMMAND   `/bin/sh -c COMMAND`, exec'd in the container (output discarded), exits 0
              log:REGEX     a line of its stdout or stderr matches (.NET regex, linear-time: no lookarounds
                            or backreferences)

            Exit status with --for: 0 ready; 1 the container exited first (its exit code and the last
            20 lines of its log on stderr); 124 not ready at --timeout (default 60s; the tail too);
            125 bad input (an unknown check, a bad port or regex, no such container).
            """;
        var checks = cmd.Value("--for", "tcp:PORT|cmd:COMMAND|log:REGEX", "A readiness check (repeatable; all must pass).", repeatable: true);
        var timeout = cmd.Value("--timeout", "DURATION", "With --for: give up after DURATION, exit 124 (default 60s).");
        var names = cmd.Argument("NAME", "The containers (with --for: one).", multipleValues: true);
        cmd.OnExecute(() =>
        {
            var list = ContainerNames.Required(cmd, names);
            var parsed = checks.Values.OfType<string>().Select(ReadinessCheck.Parse).ToList();
            var limit = timeout.Value() is { } t ? Durations.Parse(t, "timeout") : DefaultTimeout;
            if (parsed.Count == 0)
            {
                return timeout.HasValue()
                    ? throw new TinyDockerException("--timeout needs --for")
                    : CliErrors.ForEach(list, name => [ServiceWait.ForExit(StateRoot.Current, name).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
            return list.Count == 1
                ? ServiceWait.ForReady(StateRoot.Current, list[0], parsed, limit, Console.Error)
                : throw new TinyDockerException("--for waits for one container");
        });
    });
}
