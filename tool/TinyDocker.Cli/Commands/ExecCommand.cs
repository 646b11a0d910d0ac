using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`exec NAME COMMAND [ARGS…]`: a further command in a running container.</summary>
internal static class ExecCommand
{
    public const string Name = "exec";

    public static void Register(CommandLineApplication app) => app.Command(Name, cmd =>
    {
        cmd.Description = "Run a further command inside a running container (all its namespaces, its cgroup, its user).";
        cmd.HelpOption("-h|--help");
        cmd.AllowArgumentSeparator = true;
        var name = cmd.Argument("NAME", "The running container.");
        cmd.Argument("COMMAND", "The command to run, then its arguments.", multipleValues: true);
        cmd.OnExecute(() =>
        {
            var command = cmd.RemainingArguments.ToArray();
            if (command.Length == 0)
            {
                throw new CommandParsingException(cmd, "no command given");
            }
            return ContainerExec.Run(LiveContainer.Open(StateRoot.Current, name.Value ?? ""), command);
        });
    });
}
