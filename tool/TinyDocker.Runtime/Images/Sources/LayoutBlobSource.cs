namespace TinyDocker.Runtime.Images.Sources;

/// <summary>An OCI image layout (a directory or the inside of an oci-archive): index.json and blobs/sha256/HEX.</summary>
internal sealed class LayoutBlobSource(IArchiveFiles files, string where) : IBlobSource
{
    public const string IndexFile = "index.json";

    public byte[] ReadRoot()
    {
        using var s = files.Open(IndexFile);
        return ReadAll(s);
    }

    public byte[] ReadManifest(Descriptor descriptor)
    {
        using var s = OpenBlob(descriptor);
        return ReadAll(s);
    }

    public Stream OpenBlob(Descriptor descriptor)
    {
        string path = $"blobs/{Digest.Algorithm}/{descriptor.Digest.Hex}";
        return files.Exists(path)
            ? files.Open(path)
            : throw new TinyDockerException($"`{where}`: missing blob {descriptor.Digest}");
    }

    internal static byte[] ReadAll(Stream s)
    {
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }
}
