using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`rm [-f] NAME...`: removes exited containers' records; -f kills running ones first.</summary>
internal static class RmCommand
{
    private const int SIGKILL = 9;

    public static void Register(CommandLineApplication app) => app.Command("rm", cmd =>
    {
        CliHelp.Describe(cmd, "Remove containers: an exited detached one's record (its logs and exit code), or what a killed run left; the name is free again.",
            "[options] NAME...", "rm db", "rm -f db cache");
        var force = cmd.Flag("-f|--force", "Kill a running container first (SIGKILL to every process in it), then remove it.");
        var names = cmd.Argument("NAME", "The containers (one line on stderr for each that cannot be removed; exit 125 if any).", multipleValues: true);
        cmd.OnExecute(() => CliErrors.ForEach(ContainerNames.Required(cmd, names), name =>
        {
            string root = StateRoot.Current;
            string dir = Path.Combine(root, name);
            if (!SpecValidator.IsValidName(name) || !Directory.Exists(dir))
            {
                throw new TinyDockerException($"no container named `{name}`");
            }
            if (ContainerState.IsLocked(dir))
            {
                if (!force.HasValue())
                {
                    throw new TinyDockerException($"container `{name}` is running: `stop {name}` first, or `rm -f {name}`");
                }
                LiveContainer.Open(root, name).Signal(SIGKILL);
                LiveContainer.WaitGone(root, name, TimeSpan.FromSeconds(30));
            }
            if (Directory.Exists(dir) && !ContainerState.TryReclaim(dir))
            {
                throw new TinyDockerException($"container `{name}` is running again (a new run took the name)");
            }
            return [name];
        }));
    });
}
