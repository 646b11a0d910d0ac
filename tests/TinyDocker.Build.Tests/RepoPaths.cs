namespace TinyDocker.Build.Tests;

/// <summary>Where the repository and this test build live.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TaskProject => Path.Combine(Root, "msbuild-tasks", "TinyDocker.Build", "TinyDocker.Build.csproj");

    public static string Sample => Path.Combine(Root, "samples", "msbuild");

    /// <summary>Debug or Release: the package is packed from the same build the tests were built with.</summary>
    public static string Configuration
        => typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Debug";

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
