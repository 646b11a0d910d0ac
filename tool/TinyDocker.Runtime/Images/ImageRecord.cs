namespace TinyDocker.Runtime.Images;

/// <summary>
/// One stored image: its layers bottom first (as manifests list them) and its config. Immutable once
/// written; names point at it from the store's repositories file.
/// </summary>
public sealed record ImageRecord
{
    /// <summary>The config blob's digest for OCI and docker images; a digest of the record's content for a rootfs tarball.</summary>
    public required string Id { get; init; }

    /// <summary>Layer digests, bottom (first applied) to top.</summary>
    public required string[] Layers { get; init; }

    public required ImageConfig Config { get; init; }

    /// <summary>Where the image came from (a path or a registry reference), for `image ls` and `inspect`.</summary>
    public required string Source { get; init; }

    public required DateTimeOffset Created { get; init; }

    /// <summary>The sum of the layers' compressed sizes as imported.</summary>
    public long Size { get; init; }

    /// <summary>What the layers take extracted (the sum of their files' sizes), measured at import; null in records older than that.</summary>
    public long? UnpackedSize { get; init; }
}
