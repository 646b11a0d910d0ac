namespace TinyDocker.Runtime.Images;

/// <summary>Turns a tar entry name into a path relative to the layer, refusing names that could leave it.</summary>
public static class LayerPathName
{
    /// <summary>
    /// "./usr/bin/" becomes "usr/bin"; "" is the layer's root, which `./` and `/` both name (umoci
    /// writes `/`; GNU tar takes it by stripping the slash). A `..` component or any other absolute
    /// name is refused: a tool that makes layers writes neither, so one that does is hostile or broken.
    /// </summary>
    public static string Normalize(string name)
    {
        if (name.StartsWith('/') && !IsRoot(name))
        {
            throw new TinyDockerException($"layer entry `{name}` has an absolute path");
        }
        if (name.Contains('\0'))
        {
            throw new TinyDockerException($"layer entry `{name.Replace("\0", "\\0", StringComparison.Ordinal)}` has a NUL in its name");
        }
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains(".."))
        {
            throw new TinyDockerException($"layer entry `{name}` has a `..` component");
        }
        return string.Join('/', parts);
    }

    /// <summary>`/`, `/.`, `//`: the root itself, and nothing below it.</summary>
    private static bool IsRoot(string name) => name.Split('/').All(p => p is "" or ".");
}
