using System.Reflection;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>Where the repository and the configuration under test are.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string AdapterProject => Path.Combine(Root, "testadapter", "TinyDocker.TestAdapter", "TinyDocker.TestAdapter.csproj");

    public static string Sample => Path.Combine(Root, "samples", "testadapter");

    /// <summary>The configuration these tests were built in (CI: Release), so packing rebuilds nothing.</summary>
    public static string Configuration { get; } = typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tinydocker.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no tinydocker.sln above {AppContext.BaseDirectory}");
    }
}
