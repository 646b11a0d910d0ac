using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Cli.Commands;

/// <summary>`run [options] NAME COMMAND [ARG...]`: builds the spec from the command line and runs it.</summary>
internal static class RunCommand
{
    public const string Name = "run";

    public static void Register(CommandLineApplication app, long started) => app.Command(Name, cmd =>
    {
        CliHelp.Describe(cmd, "Run a command in a new throwaway container.", "[options] NAME COMMAND [ARG...]",
            "run ci1 ./tests.sh",
            "run --image busybox:1.36 -e GREETING=hi -v ./data:/data:ro t1 sh -c 'echo $GREETING'",
            "run --image busybox:1.36 -p 0:80 web httpd -f -p 127.0.0.1:80");
        cmd.ExtendedHelpText = """

            Options end at NAME: everything after it is the command and its arguments, passed untouched.
            Without --image the host's root filesystem is the read-only image: every host file is
            readable inside (writes are discarded). The current directory is shared at the same path,
            copy-on-write (--no-cwd: not shared), and the command starts there.
            Every change the command makes is discarded when it exits, and the container is removed.
            With -d it runs in the background: `logs`, `wait`, `stop`, `rm` (docs/services.md).

            Exit status: the command's own; 128+N if it died of signal N; 124 if it timed out;
            125 if tinydocker failed or the input was bad; 126 if the command cannot be executed;
            127 if it was not found.
            """;
        cmd.AllowArgumentSeparator = true;
        var o = new RunOptions(cmd);
        var name = cmd.Argument("NAME", $"The container's name ({SpecValidator.NamePattern}).");
        cmd.Argument("COMMAND", "The command to run, then its arguments.", multipleValues: true);
        cmd.OnExecute(() =>
        {
            var spec = RunSpecBuilder.Build(name.Value ?? "", cmd.RemainingArguments.ToArray(), o) with
            {
                DebugSince = o.Debug.HasValue() ? started : null,
            };
            if (o.Detach.HasValue())
            {
                return DetachedRun.Start(spec, o);
            }
            DetachedRun.RefuseWithoutDetach(o);
            int code = ContainerRunner.Run(spec, Console.Error);
            PhaseTrace.Mark("supervisor", "state removed, exiting");
            return code;
        });
    });

    /// <summary>
    /// docker stops reading run's options at the first positional (NAME); McMaster would read on
    /// and take a command's own `-e` as run's. So a `--` goes in right after NAME.
    /// </summary>
    public static string[] SeparateCommand(CommandLineApplication app, string[] args)
    {
        if (args.Length == 0 || args[0] is not (Name or ExecCommand.Name))
        {
            return args;
        }
        var run = app.Commands.Single(c => c.Name == args[0]);
        for (int i = 1; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                return args; // the user separated them already (before NAME)
            }
            if (!a.StartsWith('-') || a == "-")
            {
                return i + 1 < args.Length && args[i + 1] == "--"
                    ? args
                    : [.. args[..(i + 1)], "--", .. args[(i + 1)..]];
            }
            if (!a.Contains('=') && TakesValue(run, a))
            {
                i++;
            }
        }
        return args;
    }

    private static bool TakesValue(CommandLineApplication cmd, string token)
    {
        var option = cmd.GetOptions().FirstOrDefault(o =>
            token == "--" + o.LongName || token == "-" + o.ShortName || token == "-" + o.SymbolName);
        return option is not null && option.OptionType is CommandOptionType.SingleValue or CommandOptionType.MultipleValue;
    }
}
