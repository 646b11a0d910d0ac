using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Cli.Commands;

/// <summary>`run [options] NAME COMMAND [ARGS…]`: builds the spec from the command line and runs it.</summary>
internal static class RunCommand
{
    public const string Name = "run";

    public static void Register(CommandLineApplication app, long started) => app.Command(Name, cmd =>
    {
        cmd.Description = "Run a command in a new throwaway container.";
        cmd.ExtendedHelpText = """

            Options end at NAME: everything after it is the command and its arguments, passed untouched.
            Without --image the host's root filesystem is the read-only image. The current directory
            is visible at the same path, copy-on-write, and the command starts there.
            Every change the command makes is discarded when it exits.

            Exit status: the command's own; 128+N if it died of signal N; 124 if it timed out;
            125 if tinydocker failed or the input was bad; 126 if the command cannot be executed;
            127 if it was not found.
            """;
        cmd.HelpOption("-h|--help");
        cmd.AllowArgumentSeparator = true;
        var o = new RunOptions
        {
            Image = cmd.Option("--image <IMAGE>", "The read-only image: a root filesystem directory, an image archive (imported on first use) or a stored image name (default: the host's root).", CommandOptionType.SingleValue),
            Hostname = cmd.Option("--hostname <NAME>", "Hostname inside the container (default: the container's name).", CommandOptionType.SingleValue),
            Env = cmd.Option("-e|--env <KEY_VALUE>", "Set an environment variable KEY=VALUE (repeatable); KEY alone copies it from the host.", CommandOptionType.MultipleValue),
            EnvFile = cmd.Option("--env-file <FILE>", "Read KEY=VALUE lines from a file (repeatable; # starts a comment).", CommandOptionType.MultipleValue),
            Workdir = cmd.Option("-w|--workdir <DIR>", "Start the command in DIR inside the container (created if missing; default: the current directory).", CommandOptionType.SingleValue),
            User = cmd.Option("-u|--user <UID_GID>", "Run the command as UID[:GID] or NAME[:GROUP]; supplementary groups are cleared.", CommandOptionType.SingleValue),
            Volume = cmd.Option("-v|--volume <HOST_CONTAINER>", "Bind-mount HOST:CONTAINER[:ro|rw] (repeatable); ro applies to submounts too.", CommandOptionType.MultipleValue),
            Tmpfs = cmd.Option("--tmpfs <PATH>", "Mount a tmpfs at PATH[:size=64m,mode=1777] (repeatable).", CommandOptionType.MultipleValue),
            ReadOnly = cmd.Option("--read-only", "Make the root filesystem read-only (except /tmp, /dev/shm, tmpfs mounts and rw volumes).", CommandOptionType.NoValue),
            CopyOut = cmd.Option("--copy-out <CONTAINER_HOST>", "Copy CONTAINER_PATH:HOST_PATH out after the command exits, however it exits (repeatable).", CommandOptionType.MultipleValue),
            Network = cmd.Option("--network <MODE>", "none (default: a new network namespace with only loopback) or host.", CommandOptionType.SingleValue),
            Memory = cmd.Option("-m|--memory <SIZE>", "Memory limit, e.g. 512m or 1g; exceeding it gets the process OOM-killed (exit 137).", CommandOptionType.SingleValue),
            MemorySwap = cmd.Option("--memory-swap <SIZE>", "Memory plus swap limit (needs --memory).", CommandOptionType.SingleValue),
            PidsLimit = cmd.Option("--pids-limit <N>", "Most processes and threads at once.", CommandOptionType.SingleValue),
            Cpus = cmd.Option("--cpus <N>", "CPU time, in cores (e.g. 0.5).", CommandOptionType.SingleValue),
            Timeout = cmd.Option("--timeout <DURATION>", "Stop the container after DURATION (300, 90s, 5m): SIGTERM, then SIGKILL after --stop-timeout; exit 124.", CommandOptionType.SingleValue),
            StopTimeout = cmd.Option("--stop-timeout <DURATION>", "Grace between SIGTERM and SIGKILL when stopping (default 10s).", CommandOptionType.SingleValue),
            KeepUpper = cmd.Option("--keep-upper <DIR>", "Save the container's upper layer (its writes, whiteouts included) to DIR before it is discarded.", CommandOptionType.SingleValue),
            DieWithParent = cmd.Option("--die-with-parent", "Kill the container (results still copied out, state removed) when the process that started tinydocker goes away.", CommandOptionType.NoValue),
            Debug = cmd.Option("--debug", "Trace each phase (unshare, mounts, pivot, exec, teardown) on stderr, in ms since the tool started.", CommandOptionType.NoValue),
            JsonStatus = cmd.Option("--json-status <FILE>", "Write a JSON start record and end record (exit, signal, timeout, OOM, times, peak memory) to FILE or /dev/fd/N.", CommandOptionType.SingleValue),
            CapAdd = cmd.Option("--cap-add <CAP>", "Add a capability to the default set (NET_ADMIN or CAP_NET_ADMIN; ALL; repeatable).", CommandOptionType.MultipleValue),
            CapDrop = cmd.Option("--cap-drop <CAP>", "Drop a capability from the default set (ALL drops every one; repeatable).", CommandOptionType.MultipleValue),
            Privileged = cmd.Option("--privileged", "Every capability, no seccomp filter, no masked /proc paths, writable /sys; the namespaces stay. See docs/security.md.", CommandOptionType.NoValue),
            SecurityOpt = cmd.Option("--security-opt <OPT>", "seccomp=unconfined: no seccomp filter (repeatable).", CommandOptionType.MultipleValue),
            Interactive = cmd.Option("-i|--interactive", "With -t, pass stdin on to the terminal (without -t stdin is always passed on).", CommandOptionType.NoValue),
            Tty = cmd.Option("-t|--tty", "Give the command a pseudo-terminal of the container's own as its controlling terminal (without it, the command has none).", CommandOptionType.NoValue),
        };
        var name = cmd.Argument("NAME", $"The container's name ({SpecValidator.NamePattern}).");
        cmd.Argument("COMMAND", "The command to run, then its arguments.", multipleValues: true);
        cmd.OnExecute(() =>
        {
            var spec = RunSpecBuilder.Build(name.Value ?? "", cmd.RemainingArguments.ToArray(), o) with
            {
                DebugSince = o.Debug.HasValue() ? started : null,
            };
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
