using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Images;

/// <summary>A flock on a file of the store, held until disposed.</summary>
internal sealed class StoreLock : IDisposable
{
    private int _fd;

    private StoreLock(int fd) => _fd = fd;

    public static StoreLock Take(string path, bool exclusive)
    {
        int fd = Sys.Open(path, O_RDWR | O_CREAT, 0b110_000_000);
        try
        {
            Sys.Flock(fd, exclusive ? Sys.LOCK_EX : Sys.LOCK_SH, path);
        }
        catch
        {
            Sys.Close(fd);
            throw;
        }
        return new StoreLock(fd);
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Sys.Close(_fd);
            _fd = -1;
        }
    }
}
