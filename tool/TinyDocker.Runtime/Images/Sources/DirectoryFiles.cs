namespace TinyDocker.Runtime.Images.Sources;

/// <summary>An OCI image layout directory, read in place.</summary>
internal sealed class DirectoryFiles(string dir) : IArchiveFiles
{
    public bool Exists(string path) => File.Exists(Resolve(path));

    public Stream Open(string path)
    {
        string full = Resolve(path);
        return File.Exists(full)
            ? new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0)
            : throw new TinyDockerException($"`{path}` is missing from `{dir}`");
    }

    private string Resolve(string path) => Path.Combine(dir, LayerPathName.Normalize(path));

    public void Dispose() { }
}
