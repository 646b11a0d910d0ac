using TinyDocker.Testing;

namespace TinyDocker.Build.Tests;

/// <summary>Where the task's project and its sample live in the repository.</summary>
internal static class RepoPaths
{
    public static string Root => Shell.RepositoryRoot;

    public static string TaskProject => Path.Combine(Root, "msbuild-tasks", "TinyDocker.Build", "TinyDocker.Build.csproj");

    public static string Sample => Path.Combine(Root, "samples", "msbuild");

    /// <summary>Debug or Release: the package is packed from the same build the tests were built with.</summary>
    public static string Configuration => Shell.BuildConfiguration;
}
