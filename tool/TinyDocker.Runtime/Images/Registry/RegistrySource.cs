using TinyDocker.Runtime.Images.Sources;

namespace TinyDocker.Runtime.Images.Registry;

/// <summary>A registry repository as a blob source for the import pipeline.</summary>
internal sealed class RegistrySource(RegistryClient client, ImageReference reference) : IBlobSource
{
    public byte[] ReadRoot()
    {
        byte[] json = client.GetManifest(reference.ManifestReference);
        if (reference.Digest is { } expected && Digest.Of(json) != expected)
        {
            throw new TinyDockerException($"{reference}: digest mismatch: expected {expected}, got {Digest.Of(json)}");
        }
        return json;
    }

    public byte[] ReadManifest(Descriptor descriptor)
        => MediaTypes.Indexes.Contains(descriptor.MediaType) || MediaTypes.Manifests.Contains(descriptor.MediaType)
            ? client.GetManifest(descriptor.Digest.ToString())
            : LayoutBlobSource.ReadAll(client.GetBlob(descriptor.Digest));

    public Stream OpenBlob(Descriptor descriptor) => client.GetBlob(descriptor.Digest);
}
