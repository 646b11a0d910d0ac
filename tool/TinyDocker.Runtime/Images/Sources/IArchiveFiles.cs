namespace TinyDocker.Runtime.Images.Sources;

/// <summary>The files of an image archive or layout, by their path inside it (read only).</summary>
internal interface IArchiveFiles : IDisposable
{
    bool Exists(string path);

    Stream Open(string path);
}
