using System.Text.RegularExpressions;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// An image name as docker writes it: <c>[REGISTRY/]REPOSITORY[:TAG][@sha256:HEX]</c>. The first
/// path component is a registry when it has a `.` or a `:` or is <c>localhost</c>. A name with
/// neither tag nor digest means <c>:latest</c>.
/// </summary>
public sealed partial record ImageReference(string? Registry, string Repository, string? Tag, Digest? Digest)
{
    public const string DefaultTag = "latest";
    public const string DockerHub = "registry-1.docker.io";

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\z")]
    private static partial Regex ComponentRegex();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?\z")]
    private static partial Regex RegistryRegex();

    public static ImageReference Parse(string text)
        => TryParse(text, out var r, out var why) ? r : throw new TinyDockerException($"invalid image reference `{text}`: {why}");

    public static bool TryParse(string text, out ImageReference reference, out string problem)
    {
        reference = null!;
        problem = "";
        string rest = text;
        Digest? digest = null;
        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            if (!Images.Digest.TryParse(rest[(at + 1)..], out var d))
            {
                problem = "the digest must be sha256:<64 lowercase hex digits>";
                return false;
            }
            digest = d;
            rest = rest[..at];
        }
        string? tag = null;
        int colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagRegex().IsMatch(tag))
            {
                problem = $"invalid tag `{tag}`";
                return false;
            }
        }
        string? registry = null;
        int slash = rest.IndexOf('/');
        if (slash > 0)
        {
            string first = rest[..slash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost")
            {
                if (!RegistryRegex().IsMatch(first))
                {
                    problem = $"invalid registry `{first}`";
                    return false;
                }
                registry = first;
                rest = rest[(slash + 1)..];
            }
        }
        if (rest.Length == 0 || rest.Length > 255 || !rest.Split('/').All(c => ComponentRegex().IsMatch(c)))
        {
            problem = "the repository must be lowercase letters, digits and separators (. _ -), in /-separated parts";
            return false;
        }
        reference = new ImageReference(registry, rest, tag ?? (digest is null ? DefaultTag : null), digest);
        return true;
    }

    /// <summary>The host to pull from.</summary>
    public string RegistryHost => Registry ?? DockerHub;

    /// <summary>The repository as the registry names it (Docker Hub puts official images under library/).</summary>
    public string RemoteRepository => Registry is null && !Repository.Contains('/') ? "library/" + Repository : Repository;

    /// <summary>What a registry's manifests endpoint takes: the digest when there is one, else the tag.</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag!;

    public string Name => Registry is null ? Repository : $"{Registry}/{Repository}";

    public override string ToString()
        => Name + (Tag is null ? "" : ":" + Tag) + (Digest is { } d ? "@" + d : "");
}
