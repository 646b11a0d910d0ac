using System.Text.Json;
using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`ps`: the live containers, as a table or JSON.</summary>
internal static class PsCommand
{
    public static void Register(CommandLineApplication app) => app.Command("ps", cmd =>
    {
        CliHelp.Describe(cmd, "List running containers (STATUS running), detached or not; with -a exited and stale ones too.", "[options]", "ps", "ps -a --format json");
        var all = cmd.Flag("-a|--all", "Also list exited detached containers (`exited (CODE)`, removed by `rm` or `prune`) and what killed runs left behind (`stale`, removed by `prune`).");
        var format = cmd.Value("--format", "table|json", "table (default) or json.");
        cmd.OnExecute(() =>
        {
            var containers = StateRoot.List(StateRoot.Current).Where(c => c.Running || all.HasValue()).ToArray();
            switch (format.Value() ?? "table")
            {
                case "json":
                    Console.WriteLine(JsonSerializer.Serialize(containers, SpecJson.Default.ContainerInfoArray));
                    break;
                case "table":
                    PrintTable(containers);
                    break;
                default:
                    throw new CommandParsingException(cmd, $"unknown format `{format.Value()}`: use table or json");
            }
            return 0;
        });
    });

    private static void PrintTable(IReadOnlyList<ContainerInfo> containers)
    {
        var rows = containers.Select(c => new[]
        {
            c.Name, c.Pid == 0 ? "-" : c.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            c.ExitCode is { } code ? $"exited ({code})" : c.Status, c.Image, c.Ports, c.Command,
        }).Prepend(["NAME", "PID", "STATUS", "IMAGE", "PORTS", "COMMAND"]).ToList();
        int[] widths = Enumerable.Range(0, 6).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, i) => i == 5 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
