using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.State;

/// <summary>
/// A container's state directory, owned by this process for as long as the object lives.
/// Ownership is an exclusive flock on <c>lock</c>, not a check-then-act: of two runs with
/// one name, exactly one gets the lock. Disposing removes the directory.
/// </summary>
public sealed class ContainerState : IDisposable
{
    public const string LockFile = "lock", SpecFile = "spec.json", PidFile = "pid", SupervisorFile = "supervisor", ScratchFile = "scratch", PortsFile = "ports";

    private int _lockFd;

    private ContainerState(string dir, int lockFd)
    {
        Dir = dir;
        _lockFd = lockFd;
    }

    public string Dir { get; }

    /// <summary>Takes the name, or throws (exit 125) when a live container already has it.</summary>
    public static ContainerState Acquire(string root, string name)
    {
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string dir = Path.Combine(root, name);
        for (int attempt = 0; ; attempt++)
        {
            Sys.MkdirIfMissing(dir, 0b111_000_000);
            int fd;
            try
            {
                fd = Sys.Open(Path.Combine(dir, LockFile), O_RDWR | O_CREAT, 0b110_000_000);
            }
            catch (SyscallException e) when (e.ErrorNumber == Errno.ENOENT && attempt < 100)
            {
                continue; // the directory was removed by its previous owner between mkdir and open
            }
            if (!Sys.TryFlock(fd, Sys.LOCK_EX, dir))
            {
                Sys.Close(fd);
                throw new TinyDockerException($"container name `{name}` is already in use by a running container");
            }
            if (!SameFile(fd, Path.Combine(dir, LockFile)))
            {
                // We locked a lock file its previous owner had already unlinked: try again.
                Sys.Close(fd);
                continue;
            }
            var state = new ContainerState(dir, fd);
            state.RemoveLeftovers();
            return state;
        }
    }

    public string SpecPath => Path.Combine(Dir, SpecFile);

    /// <summary>The spec holds every `-e` value: readable by root alone (the directory is 0700 too).</summary>
    public void WriteSpec(ContainerSpec spec)
        => WritePrivate(SpecPath, System.Text.Json.JsonSerializer.Serialize(spec, SpecJson.Default.ContainerSpec));

    /// <summary>Records a fact about the running container for `ps`, `exec`, `stop`, `kill` and `diff`.</summary>
    public void Write(string file, string value) => WritePrivate(Path.Combine(Dir, file), value + "\n");

    private static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(false), options);
        writer.Write(text);
    }

    /// <summary>True when a live supervisor holds the directory's lock.</summary>
    internal static bool IsLocked(string dir)
    {
        int fd;
        try
        {
            fd = Sys.Open(Path.Combine(dir, LockFile), O_RDONLY);
        }
        catch (SyscallException)
        {
            return false;
        }
        try
        {
            return !Sys.TryFlock(fd, Sys.LOCK_SH, dir);
        }
        finally
        {
            Sys.Close(fd);
        }
    }

    /// <summary>Removes a directory left by a dead run; false when it belongs to a live one.</summary>
    internal static bool TryReclaim(string dir)
    {
        ContainerState state;
        try
        {
            state = Acquire(Path.GetDirectoryName(dir)!, Path.GetFileName(dir));
        }
        catch (TinyDockerException)
        {
            return false;
        }
        state.Dispose();
        return true;
    }

    public void Dispose()
    {
        if (_lockFd < 0)
        {
            return;
        }
        RemoveContents();
        // Unlink the lock while still holding it, so a waiting run sees a changed file and retries.
        File.Delete(Path.Combine(Dir, LockFile));
        Sys.TryRmdir(Dir);
        Sys.Close(_lockFd);
        _lockFd = -1;
    }

    /// <summary>What a killed run of this name left: its cgroups (empty: its processes died with it) and files.</summary>
    private void RemoveLeftovers()
    {
        if (File.Exists(SpecPath))
        {
            try
            {
                Cgroups.Cgroup.RemoveLeftovers(SpecJson.Read(SpecPath));
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or TinyDockerException)
            {
                // A spec half written: that run was killed before it made a cgroup.
            }
        }
        RemoveContents();
    }

    private void RemoveContents()
    {
        foreach (var entry in new DirectoryInfo(Dir).EnumerateFileSystemInfos())
        {
            if (entry.Name == LockFile)
            {
                continue;
            }
            if (entry is DirectoryInfo d && d.LinkTarget is null)
            {
                // Only empty mount points and the container's scratch dirs live here; the container's
                // mounts were in its own namespace and died with it.
                d.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }

    private static unsafe bool SameFile(int fd, string path)
    {
        Tmds.Linux.stat a, b;
        int rc = fstat(fd, &a);
        if (rc != 0)
        {
            return false;
        }
        byte[] p = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* pp = p)
        {
            if (stat(pp, &b) != 0)
            {
                return false;
            }
        }
        return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
    }
}
