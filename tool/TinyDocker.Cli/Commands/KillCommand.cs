using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`kill [-s SIGNAL] NAME...`: SIGKILL ends the container at once; other signals go to its command.</summary>
internal static class KillCommand
{
    private static readonly Dictionary<string, int> Signals = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["KILL"] = 9, ["USR1"] = 10, ["USR2"] = 12, ["TERM"] = 15,
    };

    public static void Register(CommandLineApplication app) => app.Command("kill", cmd =>
    {
        CliHelp.Describe(cmd, "Send a signal to running containers: KILL (default) ends each at once; HUP, INT, QUIT, USR1, USR2 and TERM go to its command.",
            "[options] NAME...", "kill ci1", "kill -s TERM ci1 ci2");
        var signal = cmd.Value("-s|--signal", "SIGNAL", "KILL (default), TERM, INT, HUP, QUIT, USR1, USR2, by name or number.");
        var names = cmd.Argument("NAME", "The running containers (one line on stderr for each that is not; exit 125 if any).", multipleValues: true);
        cmd.OnExecute(() =>
        {
            int sig = Parse(signal.Value() ?? "KILL");
            return CliErrors.ForEach(ContainerNames.Required(cmd, names), name =>
            {
                var c = LiveContainer.Open(StateRoot.Current, name);
                c.Signal(sig);
                return [c.Spec.Name];
            });
        });
    });

    private static int Parse(string text)
    {
        string key = text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text[3..] : text;
        if (Signals.TryGetValue(key, out int sig) || (int.TryParse(key, out sig) && Signals.ContainsValue(sig)))
        {
            return sig;
        }
        throw new TinyDockerException($"unsupported signal `{text}`: use one of {string.Join(", ", Signals.Keys)}");
    }
}
