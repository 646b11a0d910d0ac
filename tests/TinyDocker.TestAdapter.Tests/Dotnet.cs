using System.Diagnostics;
using TinyDocker.Testing;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>The real `dotnet` (pack, build, test) as a user would run it, clean of this test host's environment.</summary>
internal static class Dotnet
{
    public static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
        => NestedDotnet.StartInfo(workingDirectory, environment, args);

    /// <summary>A pack compiles the NativeAOT CLI the package carries: minutes on a busy 2-core machine.</summary>
    public static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(15);

    public static ToolResult Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
        => Run(workingDirectory, environment, null, args);

    public static ToolResult Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, TimeSpan? timeout, params string[] args)
    {
        var r = NestedDotnet.Run(workingDirectory, environment, args, timeout);
        return new ToolResult(r.ExitCode, r.Stdout, r.Stderr);
    }
}
