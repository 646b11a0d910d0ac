using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Images;
using TinyDocker.Runtime.Init;
using TinyDocker.Runtime.Security;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>The one place where `run`'s command line becomes a <see cref="ContainerSpec"/>.</summary>
internal static class RunSpecBuilder
{
    public static ContainerSpec Build(string name, string[] command, RunOptions o)
    {
        // --no-cwd: nothing of the host's current directory is shared, and the command starts in the image's directory or /.
        string? cwd = o.NoCwd.HasValue() ? null : Environment.CurrentDirectory;
        string host = o.Hostname.Value() ?? name;
        if (o.Platform.HasValue() && !o.Image.HasValue())
        {
            throw new TinyDockerException("--platform chooses among an image's platforms: it needs --image");
        }
        var image = o.Image.Value() is { } i ? ImageResolver.Resolve(i, ImageStore.Open(), Progress.ForTerminal(),
            o.Platform.Value() is { } platform ? Platform.Parse(platform) : null) : null;
        string[] layers = image?.Layers ?? ["/"];
        return new ContainerSpec
        {
            Name = name,
            Hostname = host,
            Layers = layers,
            ImageId = image?.Id,
            Command = ImageDefaults.Command(image?.Config, command),
            Env = BuildEnvironment(host, ImageDefaults.Env(image?.Config, EnvFile.Entries(o.EnvFile.Values).Concat(Values(o.Env)).ToList())),
            WorkingDir = o.Workdir.Value() ?? ImageDefaults.WorkingDir(image?.Config, cwd ?? "/"),
            SharedDir = cwd,
            StateRoot = StateRoot.Current,
            UserNamespace = TinyDocker.Runtime.Rootless.RootlessMode.Active ? TinyDocker.Runtime.Rootless.IdMap.ForCaller() : null,
            DataRoot = DataRoot.Current,
            Volumes = Values(o.Volume).Select(ParseVolume).ToArray(),
            Tmpfs = Values(o.Tmpfs).Select(ParseTmpfs).ToArray(),
            ReadOnlyRoot = o.ReadOnly.HasValue(),
            CopyOut = Values(o.CopyOut).Select(ParseCopyOut).ToArray(),
            User = (o.User.Value() ?? image?.Config.User) is { } user ? UserLookup.Resolve(user, layers) : null,
            Network = o.Network.Value() ?? NetworkModes.None,
            Ports = PublishedPorts(o),
            Limits = new ResourceLimits
            {
                MemoryBytes = o.Memory.Value() is { } m ? Sizes.Parse(m, "memory limit") : null,
                MemorySwapBytes = o.MemorySwap.Value() is { } s ? Sizes.Parse(s, "memory+swap limit") : null,
                PidsLimit = o.PidsLimit.Value() is { } p ? ParseNumber<long>(p, "pids limit") : null,
                Cpus = o.Cpus.Value() is { } c ? ParseCpus(c) : null,
            },
            Timeout = o.Timeout.Value() is { } t ? Durations.Parse(t, "timeout") : null,
            StopTimeout = o.StopTimeout.Value() is { } st ? Durations.Parse(st, "stop timeout") : TimeSpan.FromSeconds(10),
            JsonStatusPath = o.JsonStatus.Value() is { } js ? Path.GetFullPath(js) : null,
            DieWithParent = o.DieWithParent.HasValue(),
            KeepUpperDir = o.KeepUpper.Value() is { } keep ? Path.GetFullPath(keep) : null,
            Privileged = o.Privileged.HasValue(),
            Capabilities = o.Privileged.HasValue()
                ? Capabilities.Names
                : Capabilities.Resolve(Values(o.CapAdd), Values(o.CapDrop)),
            Tty = o.Tty.HasValue(),
            Interactive = o.Interactive.HasValue(),
            Seccomp = Values(o.SecurityOpt).Aggregate(SeccompModes.Default, (_, opt) => ParseSecurityOpt(opt)),
        };
    }

    /// <summary>
    /// -p, parsed; with --network host there is nothing to relay (the container's ports are the
    /// host's), so, as docker does, they are dropped with a warning.
    /// </summary>
    private static PortMapping[] PublishedPorts(RunOptions o)
    {
        var ports = Values(o.Publish).Select(PortSpec.Parse).ToArray();
        if (ports.Length > 0 && o.Network.Value() == NetworkModes.Host)
        {
            Console.Error.WriteLine("WARNING: Published ports are discarded when using host network mode");
            return [];
        }
        return ports;
    }

    /// <summary>docker's spelling: seccomp=unconfined (seccomp:unconfined is accepted too).</summary>
    private static string ParseSecurityOpt(string text)
        => text.Replace(':', '=') switch
        {
            "seccomp=unconfined" => SeccompModes.Unconfined,
            "seccomp=default" => SeccompModes.Default,
            _ => throw new TinyDockerException($"unsupported --security-opt `{text}`: expected seccomp=unconfined"),
        };

    /// <summary>
    /// An option's values as a list: a Select over LINQ's own iterator (OfType's) is a generic virtual
    /// method, which NativeAOT resolves at run time on its first call, at a cost in every run (bench/notes.md).
    /// </summary>
    private static List<string> Values(CommandOption option)
    {
        var values = new List<string>(option.Values.Count);
        foreach (var value in option.Values)
        {
            if (value is not null)
            {
                values.Add(value);
            }
        }
        return values;
    }

    private static T ParseNumber<T>(string text, string what) where T : IParsable<T>
        => T.TryParse(text, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new TinyDockerException($"invalid {what} `{text}`: expected a number");

    /// <summary>A decimal number of cores: "NaN", "Infinity" and exponents parse as doubles but are no CPU count.</summary>
    private static double ParseCpus(string text)
        => double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double cpus) && double.IsFinite(cpus)
            ? cpus
            : throw new TinyDockerException($"invalid cpus `{text}`: expected a number of cores such as 0.5 or 2");

    /// <summary>HOST:CONTAINER[:ro|rw]; a relative host path is taken from the current directory.</summary>
    private static Volume ParseVolume(string text)
    {
        var parts = text.Split(':');
        bool? readOnly = parts.Length == 3 ? parts[2] switch { "ro" => true, "rw" => false, _ => null } : false;
        if (parts.Length is < 2 or > 3 || readOnly is null || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new TinyDockerException($"invalid volume `{text}`: expected HOST:CONTAINER[:ro|rw]");
        }
        return new Volume(Path.GetFullPath(parts[0]), parts[1], readOnly.Value);
    }

    private static TmpfsMount ParseTmpfs(string text)
    {
        int colon = text.IndexOf(':');
        return colon < 0 ? new TmpfsMount(text, "") : new TmpfsMount(text[..colon], text[(colon + 1)..]);
    }

    private static CopyOut ParseCopyOut(string text)
    {
        int colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new TinyDockerException($"invalid copy-out `{text}`: expected CONTAINER_PATH:HOST_PATH");
        }
        return new CopyOut(text[..colon], Path.GetFullPath(text[(colon + 1)..]));
    }

    /// <summary>A clean default environment, then the user's entries in order (a later KEY wins).</summary>
    private static string[] BuildEnvironment(string hostname, IReadOnlyList<string> entries)
    {
        var vars = new List<string> { $"PATH={CommandLookup.DefaultPath}", "HOME=/root", $"HOSTNAME={hostname}" };
        if (Environment.GetEnvironmentVariable("TERM") is { } term)
        {
            vars.Add($"TERM={term}");
        }
        return MergeEnvironment(vars, entries);
    }

    /// <summary>
    /// <paramref name="baseEnv"/> (KEY=VALUE), then <paramref name="entries"/> in order: KEY=VALUE
    /// sets, a later KEY wins; KEY alone copies the host's value (or removes KEY when the host has none).
    /// </summary>
    public static string[] MergeEnvironment(IEnumerable<string> baseEnv, IEnumerable<string> entries)
    {
        var vars = baseEnv.Select(e => e.IndexOf('=') is var eq and >= 0 ? new KeyValuePair<string, string>(e[..eq], e[(eq + 1)..]) : new(e, "")).ToList();
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
}
