namespace TinyDocker.TestAdapter;

/// <summary>The names VSTest knows this adapter by.</summary>
internal static class AdapterIds
{
    public const string ExecutorUriString = "executor://tinydocker/containertests/v1";

    public static readonly Uri ExecutorUri = new(ExecutorUriString);

}
