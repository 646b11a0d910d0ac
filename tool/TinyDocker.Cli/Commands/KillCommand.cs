using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`kill NAME [--signal SIG]`: SIGKILL ends the container at once; other signals go to its command.</summary>
internal static class KillCommand
{
    private static readonly Dictionary<string, int> Signals = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["KILL"] = 9, ["USR1"] = 10, ["USR2"] = 12, ["TERM"] = 15,
    };

    public static void Register(CommandLineApplication app) => app.Command("kill", cmd =>
    {
        cmd.Description = "Send a signal to a running container: KILL (default) ends it at once; HUP, INT, QUIT, USR1, USR2 and TERM go to its command.";
        cmd.HelpOption("-h|--help");
        var signal = cmd.Option("-s|--signal <SIGNAL>", "KILL (default), TERM, INT, HUP, QUIT, USR1, USR2, by name or number.", CommandOptionType.SingleValue);
        var name = cmd.Argument("NAME", "The running container.");
        cmd.OnExecute(() =>
        {
            int sig = Parse(signal.Value() ?? "KILL");
            var c = LiveContainer.Open(StateRoot.Current, name.Value ?? "");
            c.Signal(sig);
            Console.WriteLine(c.Spec.Name);
            return 0;
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
