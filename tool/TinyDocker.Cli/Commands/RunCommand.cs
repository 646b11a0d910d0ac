using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Images;
using TinyDocker.Runtime.Init;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`run [options] NAME COMMAND [ARGS…]`: builds the spec from the command line and runs it.</summary>
internal static class RunCommand
{
    public const string Name = "run";

    public static void Register(CommandLineApplication app) => app.Command(Name, cmd =>
    {
        cmd.Description = "Run a command in a new throwaway container.";
        cmd.ExtendedHelpText = """

            Options end at NAME: everything after it is the command and its arguments, passed untouched.
            Without --image the host's root filesystem is the read-only image. The current directory
            is visible at the same path, copy-on-write, and the command starts there.
            Every change the command makes is discarded when it exits.

            Exit status: the command's own; 128+N if it died of signal N; 125 if tinydocker failed or
            the input was bad; 126 if the command cannot be executed; 127 if it was not found.
            """;
        cmd.HelpOption("-h|--help");
        cmd.AllowArgumentSeparator = true;
        var image = cmd.Option("--image <IMAGE>", "The read-only image: a root filesystem directory, an image archive (imported on first use) or a stored image name (default: the host's root).", CommandOptionType.SingleValue);
        var hostname = cmd.Option("--hostname <NAME>", "Hostname inside the container (default: the container's name).", CommandOptionType.SingleValue);
        var env = cmd.Option("-e|--env <KEY_VALUE>", "Set an environment variable (repeatable); KEY alone copies it from the host.", CommandOptionType.MultipleValue);
        var name = cmd.Argument("NAME", $"The container's name ({SpecValidator.NamePattern}).");
        cmd.Argument("COMMAND", "The command to run, then its arguments.", multipleValues: true);
        cmd.OnExecute(() =>
        {
            var command = cmd.RemainingArguments.ToArray();
            var spec = BuildSpec(name.Value ?? "", command, image.Value(), hostname.Value(), env.Values.OfType<string>().ToList());
            return ContainerRunner.Run(spec);
        });
    });

    internal static ContainerSpec BuildSpec(string name, string[] command, string? image, string? hostname, IReadOnlyList<string> env)
    {
        string cwd = Environment.CurrentDirectory;
        string host = hostname ?? name;
        var resolved = image is null ? null : ImageResolver.Resolve(image, ImageStore.Open(), Progress.ForTerminal());
        return new ContainerSpec
        {
            Name = name,
            Hostname = host,
            Layers = resolved?.Layers ?? ["/"],
            Command = ImageDefaults.Command(resolved?.Config, command),
            Env = BuildEnvironment(host, ImageDefaults.Env(resolved?.Config, env)),
            WorkingDir = ImageDefaults.WorkingDir(resolved?.Config, cwd),
            SharedDir = cwd,
            StateRoot = StateRoot.Current,
        };
    }

    /// <summary>A clean default environment, then the user's entries in order (a later KEY wins).</summary>
    private static string[] BuildEnvironment(string hostname, IReadOnlyList<string> entries)
    {
        var vars = new List<KeyValuePair<string, string>>
        {
            new("PATH", CommandLookup.DefaultPath),
            new("HOME", "/root"),
            new("HOSTNAME", hostname),
        };
        if (Environment.GetEnvironmentVariable("TERM") is { } term)
        {
            vars.Add(new("TERM", term));
        }
        foreach (var entry in entries)
        {
            int eq = entry.IndexOf('=');
            string key = eq < 0 ? entry : entry[..eq];
            string? value = eq < 0 ? Environment.GetEnvironmentVariable(entry) : entry[(eq + 1)..];
            if (key.Length == 0)
            {
                throw new TinyDockerException($"invalid environment entry `{entry}`: expected KEY=VALUE or KEY");
            }
            vars.RemoveAll(v => v.Key == key);
            if (value is not null)
            {
                vars.Add(new(key, value));
            }
        }
        return vars.Select(v => $"{v.Key}={v.Value}").ToArray();
    }

    /// <summary>
    /// docker stops reading run's options at the first positional (NAME); McMaster would read on
    /// and take a command's own `-e` as run's. So a `--` goes in right after NAME.
    /// </summary>
    public static string[] SeparateCommand(CommandLineApplication app, string[] args)
    {
        if (args.Length == 0 || args[0] != Name)
        {
            return args;
        }
        var run = app.Commands.Single(c => c.Name == Name);
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
