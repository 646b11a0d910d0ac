using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`port NAME [CONTAINERPORT[/tcp]]`: a running container's published ports, in docker's format.</summary>
internal static class PortCommand
{
    public static void Register(CommandLineApplication app) => app.Command("port", cmd =>
    {
        CliHelp.Describe(cmd, "List a running container's published ports (-p), or the host address of one of them.",
            "NAME [CONTAINERPORT[/tcp]]", "port db", "port db 5432");
        var name = cmd.Argument("NAME", "The running container.");
        var port = cmd.Argument("CONTAINERPORT", "Only this container port: print its host address(es) alone.");
        cmd.OnExecute(() =>
        {
            var c = LiveContainer.Open(StateRoot.Current, name.Value ?? "");
            var published = StateRoot.PublishedPorts(c.Spec.StateDir);
            if (port.Value is not { } wanted)
            {
                foreach (var p in published)
                {
                    Console.WriteLine($"{PortSpec.ContainerSide(p)} -> {PortSpec.HostSide(p)}");
                }
                return 0;
            }
            string number = wanted.EndsWith("/tcp", StringComparison.Ordinal) ? wanted[..^4] : wanted;
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int containerPort))
            {
                throw new TinyDockerException($"invalid port `{wanted}`: expected CONTAINERPORT[/tcp]");
            }
            var matching = published.Where(p => p.ContainerPort == containerPort).ToList();
            if (matching.Count == 0)
            {
                throw new TinyDockerException($"no public port '{containerPort}/tcp' published for {c.Spec.Name}");
            }
            matching.ForEach(p => Console.WriteLine(PortSpec.HostSide(p)));
            return 0;
        });
    });
}
