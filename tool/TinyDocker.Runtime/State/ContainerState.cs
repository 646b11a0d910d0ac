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

    /// <summary>The end of an exited detached container kept until `rm` or `prune` (docs/services.md).</summary>
    public const string ExitFile = "exit.json";

    /// <summary>What a kept record holds: everything else goes when the container exits.</summary>
    private static readonly string[] Record = [LockFile, SpecFile, ExitFile, ContainerLog.Current, ContainerLog.Previous];

    private int _lockFd;

    private ContainerState(string dir, int lockFd)
    {
        Dir = dir;
        _lockFd = lockFd;
    }

    public string Dir { get; }

    /// <summary>
    /// Takes the name, or throws (exit 125) when a live container already has it, or an exited
    /// detached one whose record is kept (unless <paramref name="reclaimExited"/>: `rm` and `prune`).
    /// </summary>
    public static ContainerState Acquire(string root, string name, bool reclaimExited = false)
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
            if (!reclaimExited && File.Exists(Path.Combine(dir, ExitFile)))
            {
                Sys.Close(fd);
                throw new TinyDockerException($"container name `{name}` is in use by an exited container: `rm {name}` removes it");
            }
            var state = new ContainerState(dir, fd);
            state.RemoveLeftovers();
            return state;
        }
    }

    public string SpecPath => Path.Combine(Dir, SpecFile);

    /// <summary>The spec holds every `-e` value: readable by root alone (the directory is 0700 too).</summary>
    public void WriteSpec(ContainerSpec spec)
        => WritePrivate(SpecPath, SpecWire.ToText(spec));

    /// <summary>Records a fact about the running container for `ps`, `exec`, `stop`, `kill` and `diff`.</summary>
    public void Write(string file, string value) => WritePrivate(Path.Combine(Dir, file), value + "\n");

    /// <summary>
    /// Each record appears whole (Interop/Sys.AtomicFile.cs): a reader sees no file or all of it,
    /// never an empty or half-written one. Only exit.json, the one that outlives its container, is
    /// made durable; the others describe processes a crash of the machine ends anyway.
    /// </summary>
    private static void WritePrivate(string path, string text)
        => Sys.WriteFileAtomically(path, text, 0b110_000_000, durable: Path.GetFileName(path) == ExitFile);

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
            state = Acquire(Path.GetDirectoryName(dir)!, Path.GetFileName(dir), reclaimExited: true);
        }
        catch (TinyDockerException)
        {
            return false;
        }
        state.Dispose();
        return true;
    }

    /// <summary>
    /// The container has exited: its end goes into the lock file, where a `wait` that holds the
    /// file open reads it even after the directory is gone (--rm). With <paramref name="keep"/> the
    /// record (spec, logs, exit) stays for `ps -a`, `logs` and `wait`, and the name stays taken;
    /// the lock is released. Without it everything goes, as on <see cref="Dispose"/>.
    /// </summary>
    public void Retire(string exitJson, bool keep)
    {
        byte[] line = System.Text.Encoding.UTF8.GetBytes(exitJson + "\n");
        using (var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(_lockFd, ownsHandle: false))
        {
            RandomAccess.Write(handle, line, 0);
        }
        if (!keep)
        {
            Dispose();
            return;
        }
        WritePrivate(Path.Combine(Dir, ExitFile), exitJson + "\n");
        RemoveContents(Record);
        Sys.Close(_lockFd);
        _lockFd = -1;
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
                // Not a spec this tool wrote whole (written in place by an older version, killed half-way):
                // that run was killed before it made a cgroup.
            }
        }
        RemoveContents();
    }

    private void RemoveContents(string[]? keep = null)
    {
        foreach (var entry in new DirectoryInfo(Dir).EnumerateFileSystemInfos())
        {
            if (entry.Name == LockFile || keep?.Contains(entry.Name) == true)
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

    /// <summary>True when <paramref name="fd"/> is the file at <paramref name="path"/> (same device and inode).</summary>
    internal static unsafe bool SameFile(int fd, string path)
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
