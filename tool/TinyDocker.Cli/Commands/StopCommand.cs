using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`stop NAME [--time N]`: as Ctrl-C on its `run`: SIGTERM to the command, then every process killed.</summary>
internal static class StopCommand
{
    public static void Register(CommandLineApplication app) => app.Command("stop", cmd =>
    {
        cmd.Description = "Stop a running container: SIGTERM to its command, then SIGKILL to every process in it after the grace period. Results are still copied out.";
        cmd.HelpOption("-h|--help");
        var time = cmd.Option("-t|--time <DURATION>", "Grace period before everything is killed (default: the run's --stop-timeout).", CommandOptionType.SingleValue);
        var name = cmd.Argument("NAME", "The running container.");
        cmd.OnExecute(() =>
        {
            var c = LiveContainer.Open(StateRoot.Current, name.Value ?? "");
            var grace = time.Value() is { } t ? Durations.Parse(t, "stop time") : c.Spec.StopTimeout;
            c.Stop(grace);
            Console.WriteLine(c.Spec.Name);
            return 0;
        });
    });
}
