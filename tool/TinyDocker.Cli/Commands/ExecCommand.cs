using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`exec [options] NAME COMMAND [ARGS…]`: a further command in a running container.</summary>
internal static class ExecCommand
{
    public const string Name = "exec";

    public static void Register(CommandLineApplication app) => app.Command(Name, cmd =>
    {
        cmd.Description = "Run a further command inside a running container (all its namespaces, its cgroup, its user).";
        cmd.HelpOption("-h|--help");
        cmd.AllowArgumentSeparator = true;
        var env = cmd.Option("-e|--env <KEY_VALUE>", "Set an environment variable for this command, over the container's (repeatable); KEY alone copies it from the host.", CommandOptionType.MultipleValue);
        var workdir = cmd.Option("-w|--workdir <DIR>", "Start the command in DIR, an existing absolute directory inside the container (default: the container's).", CommandOptionType.SingleValue);
        var user = cmd.Option("-u|--user <UID_GID>", "Run the command as UID[:GID] or NAME[:GROUP] (default: the container's user).", CommandOptionType.SingleValue);
        var interactive = cmd.Option("-i|--interactive", "With -t, pass stdin on to the terminal (without -t stdin is always passed on).", CommandOptionType.NoValue);
        var tty = cmd.Option("-t|--tty", "Give the command a pseudo-terminal of the container's own as its controlling terminal.", CommandOptionType.NoValue);
        var name = cmd.Argument("NAME", "The running container.");
        cmd.Argument("COMMAND", "The command to run, then its arguments.", multipleValues: true);
        cmd.OnExecute(() =>
        {
            var command = cmd.RemainingArguments.ToArray();
            if (command.Length == 0)
            {
                throw new CommandParsingException(cmd, "no command given");
            }
            var container = LiveContainer.Open(StateRoot.Current, name.Value ?? "");
            var spec = container.Spec;
            var exec = spec with
            {
                Command = command,
                Env = RunSpecBuilder.MergeEnvironment(spec.Env, env.Values.OfType<string>()),
                WorkingDir = workdir.Value() ?? spec.WorkingDir,
                User = user.Value() is { } u ? UserLookup.Resolve(u, spec.Layers) : spec.User,
                Tty = tty.HasValue(),
                Interactive = interactive.HasValue(),
            };
            return ContainerExec.Run(container, exec);
        });
    });
}
