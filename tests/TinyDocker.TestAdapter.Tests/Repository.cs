using TinyDocker.Testing;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>Where the repository and the configuration under test are.</summary>
internal static class Repository
{
    public static string Root => Shell.RepositoryRoot;

    public static string AdapterProject => Path.Combine(Root, "testadapter", "TinyDocker.TestAdapter", "TinyDocker.TestAdapter.csproj");

    public static string Sample => Path.Combine(Root, "samples", "testadapter");

    public static string MtpSample => Path.Combine(Root, "samples", "mtp");

    public static string ServicesSample => Path.Combine(Root, "samples", "services");

    public static string BothPackagesSample => Path.Combine(Root, "samples", "both-packages");

    public static string BuildPackageProject => Path.Combine(Root, "msbuild-tasks", "TinyDocker.Build", "TinyDocker.Build.csproj");

    /// <summary>The configuration these tests were built in (CI: Release), so packing rebuilds nothing.</summary>
    public static string Configuration => Shell.BuildConfiguration;
}
