// Runs in: the host tool: chooses the container's init before its namespaces exist.
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Init;

/// <summary>
/// `tinydocker-init` (tool/TinyDocker.Init), the init with no runtime, beside the tool (trusted as
/// <see cref="BesideTool"/> says): it starts in a tenth of a millisecond where the tool's own
/// `__init` starts a .NET runtime (docs/benchmarks.md). It serves a run with no terminal (-t) and no
/// published ports (-p), the relays of which are threads of the .NET init; those runs, runs without
/// a trusted one, and runs with TINYDOCKER_INIT=dotnet take the tool's own `__init`. `run --debug`
/// says which and why.
/// </summary>
internal static class OwnInit
{
    public const string FileName = "tinydocker-init", ChooseVariable = "TINYDOCKER_INIT", DotNet = "dotnet";

    private static readonly Lazy<(string? Path, string Why)> Found = new(Find);

    /// <summary>The runtime-free init for this run, or null for the tool's own; <paramref name="why"/> says why not.</summary>
    public static string? For(ContainerSpec spec, out string why)
    {
        (string? path, why) = spec.Tty ? (null, "a terminal (-t) needs the .NET init's relay")
            : spec.Ports.Length > 0 ? (null, "published ports (-p) need the .NET init's socket thread")
            : Found.Value;
        return path;
    }

    private static (string? Path, string Why) Find()
        => Environment.GetEnvironmentVariable(ChooseVariable) is DotNet
            ? (null, $"{ChooseVariable}={DotNet}")
            : BesideTool.Find(FileName);
}
