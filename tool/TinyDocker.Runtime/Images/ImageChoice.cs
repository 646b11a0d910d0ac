// Runs in: the host tool (image import, pull and run --image), before any container exists.
namespace TinyDocker.Runtime.Images;

/// <summary>
/// What picks one image out of an archive or layout that holds several: a tag or digest the user
/// named (`SOURCE:TAG`, `SOURCE@sha256:…`: an error if absent), the tag of the name being imported
/// (used when an entry carries it), and the platform (this machine's unless --platform).
/// </summary>
public sealed record ImageChoice
{
    public static ImageChoice Default { get; } = new();

    /// <summary>Must match an entry's `org.opencontainers.image.ref.name` (or a RepoTag), bare or after a `:`.</summary>
    public string? Tag { get; init; }

    /// <summary>Must be an entry's digest (a docker-archive's: its config's).</summary>
    public Digest? Digest { get; init; }

    /// <summary>Taken when an entry carries it, ignored otherwise.</summary>
    public string? TagHint { get; init; }

    public Platform Platform { get; init; } = Platform.Host;

    /// <summary>A name or RepoTag that is <paramref name="tag"/>, or ends in `:TAG`.</summary>
    public static bool Names(string? name, string tag)
        => name is not null && (name == tag || name.EndsWith(":" + tag, StringComparison.Ordinal));

    /// <summary>How the user names this choice in a cache key: a different choice is a different image.</summary>
    public string Key => $"{Tag}@{Digest}#{Platform}";
}
