// Runs in: the host tool (image import, pull and run --image), before any container exists.
namespace TinyDocker.Runtime.Images;

/// <summary>An image platform as `--platform` spells it: os/arch[/variant], in OCI/Go names.</summary>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    /// <summary>This machine's: what an index is chosen by unless --platform says otherwise.</summary>
    public static Platform Host { get; } = new(HostPlatform.Os, HostPlatform.Architecture);

    public static Platform Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            throw new TinyDockerException($"invalid platform `{text}`: expected OS/ARCH[/VARIANT], e.g. linux/arm64");
        }
        return new Platform(parts[0].ToLowerInvariant(), parts[1].ToLowerInvariant(), parts.Length == 3 ? parts[2].ToLowerInvariant() : null);
    }

    /// <summary>An index entry for this platform; without a variant, any variant is; arm64's v8 is its default.</summary>
    public bool Matches(Descriptor d)
        => d.Os == Os && d.Architecture == Architecture
           && (Variant is null || d.Variant == Variant || (d.Variant is null && Architecture == "arm64" && Variant == "v8"));

    public static string Describe(Descriptor d)
        => d.Os is null ? "no platform" : d.Variant is null ? $"{d.Os}/{d.Architecture}" : $"{d.Os}/{d.Architecture}/{d.Variant}";

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
