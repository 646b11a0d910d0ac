using TinyDocker.Runtime;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Cli.Commands;

/// <summary>`run -d`: the spec made detached, its supervisor started, the name printed once the command runs (SIGINT/SIGTERM before that cancels it all).</summary>
internal static class DetachedRun
{
    public static int Start(ContainerSpec spec, RunOptions o)
    {
        int? owner = o.Owner.Value() is { } text
            ? int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid > 0
                ? pid : throw new TinyDockerException($"invalid --owner `{text}`: expected a process id")
            : null;
        // The supervisor's parent (this process) is gone in a moment: --die-with-parent means the
        // process that started `run -d`, watched as an owner.
        if (spec.DieWithParent)
        {
            owner ??= Sys.GetParentPid();
        }
        var detached = spec with
        {
            Detached = true,
            RemoveOnExit = o.Rm.HasValue(),
            DieWithParent = false,
            LogMaxBytes = o.LogOpt.Values.OfType<string>().Aggregate(ContainerSpec.DefaultLogMaxBytes, (_, opt) => ParseLogOpt(opt)),
        };
        return DetachedStart.Start(detached, owner, Console.Out, Console.Error);
    }

    public static void RefuseWithoutDetach(RunOptions o)
    {
        foreach (var option in new[] { o.Owner, o.LogOpt }.Where(opt => opt.HasValue()))
        {
            throw new TinyDockerException($"--{option.LongName} needs -d");
        }
    }

    /// <summary>docker's `--log-opt max-size=10m`; the other json-file options do not apply.</summary>
    private static long ParseLogOpt(string text)
        => text.StartsWith("max-size=", StringComparison.Ordinal)
            ? Sizes.Parse(text["max-size=".Length..], "log max-size")
            : throw new TinyDockerException($"unsupported --log-opt `{text}`: expected max-size=SIZE");
}
