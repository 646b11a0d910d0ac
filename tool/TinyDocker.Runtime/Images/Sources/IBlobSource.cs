namespace TinyDocker.Runtime.Images.Sources;

/// <summary>Where an image's manifests and blobs come from: a layout, an archive or a registry. Callers verify digests.</summary>
internal interface IBlobSource
{
    /// <summary>The top-level index or manifest: index.json of a layout, the tag or digest of a registry.</summary>
    byte[] ReadRoot();

    byte[] ReadManifest(Descriptor descriptor);

    Stream OpenBlob(Descriptor descriptor);
}
