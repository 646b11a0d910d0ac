namespace TinyDocker.Runtime.Images;

/// <summary>An OCI content descriptor: what a blob is, its digest and size, and for index entries the platform.</summary>
public sealed record Descriptor(string MediaType, Digest Digest, long Size)
{
    public string? Os { get; init; }
    public string? Architecture { get; init; }
    public string? Variant { get; init; }

    /// <summary>The <c>org.opencontainers.image.ref.name</c> annotation of an index entry.</summary>
    public string? RefName { get; init; }
}
