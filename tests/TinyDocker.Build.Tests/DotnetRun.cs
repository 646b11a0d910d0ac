using System.Diagnostics;
using TinyDocker.Testing;

namespace TinyDocker.Build.Tests;

/// <summary>The real dotnet CLI with an environment of its own (feed, package folder, state root).</summary>
internal static class DotnetRun
{
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?> environment, string workingDirectory, IEnumerable<string> args)
        => NestedDotnet.StartInfo(workingDirectory, environment, args);

    public static DotnetResult Run(IReadOnlyDictionary<string, string?> environment, string workingDirectory, IEnumerable<string> args, TimeSpan? timeout = null)
        => NestedDotnet.Run(workingDirectory, environment, args, timeout);
}
