using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`diff NAME`: what a running container has added (A), changed (C) and deleted (D).</summary>
internal static class DiffCommand
{
    public static void Register(CommandLineApplication app) => app.Command("diff", cmd =>
    {
        CliHelp.Describe(cmd, "List the paths a running container has added (A), changed (C) or deleted (D).", "NAME", "diff ci1");
        var name = cmd.Argument("NAME", "The running container.");
        cmd.OnExecute(() =>
        {
            var c = LiveContainer.Open(StateRoot.Current, name.Value ?? "");
            string scratch = c.ScratchDir;
            foreach (var change in UpperLayer.Diff(scratch, c.Spec))
            {
                Console.WriteLine($"{change.Kind} {change.Path}");
            }
            return 0;
        });
    });
}
