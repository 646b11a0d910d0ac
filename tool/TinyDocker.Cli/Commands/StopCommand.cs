using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`stop [-t DURATION] NAME...`: as Ctrl-C on each one's `run`: SIGTERM to the command, then every process killed.</summary>
internal static class StopCommand
{
    public static void Register(CommandLineApplication app) => app.Command("stop", cmd =>
    {
        CliHelp.Describe(cmd, "Stop running containers: SIGTERM to each one's command, then SIGKILL to every process in it after the grace period. Results are still copied out.",
            "[options] NAME...", "stop ci1", "stop -t 2s ci1 ci2");
        var time = cmd.Value("-t|--time", "DURATION", "Grace period before everything is killed (default: the run's --stop-timeout).");
        var names = cmd.Argument("NAME", "The running containers (one line on stderr for each that is not; exit 125 if any).", multipleValues: true);
        cmd.OnExecute(() =>
        {
            var grace = time.Value() is { } t ? Durations.Parse(t, "stop time") : (TimeSpan?)null;
            return CliErrors.ForEach(ContainerNames.Required(cmd, names), name =>
            {
                var c = LiveContainer.Open(StateRoot.Current, name);
                c.Stop(grace ?? c.Spec.StopTimeout);
                return [c.Spec.Name];
            }, parallel: true);
        });
    });
}
