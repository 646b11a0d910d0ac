namespace TinyDocker.TestAdapter;

/// <summary>The names VSTest knows this adapter by.</summary>
internal static class AdapterIds
{
    public const string ExecutorUriString = "executor://tinydocker/containertests/v1";

    public static readonly Uri ExecutorUri = new(ExecutorUriString);

    /// <summary>The file the build writes beside the test assembly: <c>&lt;assembly name&gt;.TinyContainerTests.json</c>.</summary>
    public const string CasesFileSuffix = ".TinyContainerTests.json";

    public static string CasesFileFor(string source)
        => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source)) ?? "/", Path.GetFileNameWithoutExtension(source) + CasesFileSuffix);
}
