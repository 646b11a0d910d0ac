// Runs in: the host tool: `wait`, `logs -f`.
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.State;

/// <summary>
/// Watches one container's lock file, held open: the container has exited once the lock is
/// free, and its supervisor wrote the <see cref="ExitRecord"/> into that file before freeing it,
/// so the record is read through the descriptor even when --rm has removed the directory.
/// </summary>
public sealed class ExitWatch : IDisposable
{
    private readonly int _fd;

    private ExitWatch(string dir, int fd)
    {
        Dir = dir;
        _fd = fd;
    }

    public string Dir { get; }

    /// <summary>Opens the watch on container <paramref name="name"/>, running or exited; throws (125) when there is none.</summary>
    public static ExitWatch Open(string root, string name)
    {
        string dir = Path.Combine(root, name);
        string lockPath = Path.Combine(dir, ContainerState.LockFile);
        int fd;
        try
        {
            fd = SpecValidator.IsValidName(name) ? Sys.Open(lockPath, O_RDONLY) : -1;
        }
        catch (SyscallException)
        {
            fd = -1;
        }
        if (fd < 0)
        {
            throw new TinyDockerException($"no container named `{name}`");
        }
        return new ExitWatch(dir, fd);
    }

    /// <summary>Null while it runs; once it has exited, its record (Known false: a killed supervisor left none).</summary>
    public (bool Known, ExitRecord? Record)? Exited()
    {
        if (!Sys.TryFlock(_fd, Sys.LOCK_SH, Dir))
        {
            return null;
        }
        Sys.Flock(_fd, Sys.LOCK_UN, Dir); // never hold it: `rm` and a new run take it exclusively
        byte[] buffer = new byte[4096];
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(_fd, ownsHandle: false);
        int n = RandomAccess.Read(handle, buffer, 0);
        var record = ExitRecord.Parse(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
        return (record is not null, record);
    }

    public void Dispose() => Sys.Close(_fd);
}
