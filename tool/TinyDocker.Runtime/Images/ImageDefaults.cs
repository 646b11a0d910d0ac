namespace TinyDocker.Runtime.Images;

/// <summary>Docker's rules for how an image's config and `run`'s own arguments combine.</summary>
public static class ImageDefaults
{
    /// <summary>
    /// Entrypoint, then the command given on the command line, or the image's Cmd when none is given.
    /// </summary>
    public static string[] Command(ImageConfig? config, string[] given)
    {
        string[] entrypoint = config?.Entrypoint ?? [];
        return given.Length > 0 ? [.. entrypoint, .. given] : [.. entrypoint, .. config?.Cmd ?? []];
    }

    /// <summary>The image's Env first, so that every -e given (a later entry wins) overrides it.</summary>
    public static IReadOnlyList<string> Env(ImageConfig? config, IReadOnlyList<string> given)
        => [.. config?.Env ?? [], .. given];

    /// <summary>The image's WorkingDir, else <paramref name="fallback"/> (the caller's directory, shared into the container).</summary>
    public static string WorkingDir(ImageConfig? config, string fallback)
        => config?.WorkingDir is { Length: > 0 } w ? w : fallback;
}
