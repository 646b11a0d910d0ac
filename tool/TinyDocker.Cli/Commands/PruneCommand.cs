using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`prune`: removes what runs that were killed left behind.</summary>
internal static class PruneCommand
{
    public static void Register(CommandLineApplication app) => app.Command("prune", cmd =>
    {
        CliHelp.Describe(cmd, "Remove exited detached containers' records and state left behind by containers whose tool or supervisor was killed (with their cgroups); running containers are untouched.", "", "prune");
        cmd.OnExecute(() =>
        {
            foreach (var name in StateRoot.Prune(StateRoot.Current))
            {
                Console.WriteLine($"removed {name}");
            }
            return 0;
        });
    });
}
