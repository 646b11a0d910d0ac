namespace TinyDocker.Runtime.Images;

/// <summary>The OCI and Docker media types tinydocker reads.</summary>
public static class MediaTypes
{
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";

    public static readonly string[] Indexes = [OciIndex, DockerManifestList];
    public static readonly string[] Manifests = [OciManifest, DockerManifest];

    /// <summary>Layer media types: plain, gzip and zstd tars, OCI and Docker spellings, distributable or not.</summary>
    public static readonly HashSet<string> Layers = new(StringComparer.Ordinal)
    {
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.diff.tar",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.diff.tar.zstd",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    };

    /// <summary>What a registry is asked for when fetching a manifest by tag or digest.</summary>
    public static readonly string[] Accept = [OciIndex, OciManifest, DockerManifestList, DockerManifest];
}
