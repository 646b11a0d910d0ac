// Runs in: the host tool's namespace thread, while a rootless container's first step starts.
using System.Globalization;
using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Rootless;

/// <summary>
/// Gives the user namespace a rootless container's first step made its ids, from the tool, while
/// the init starts. util-linux unshare can write maps itself, but only before it forks the init,
/// and for a range it runs newuidmap and then newgidmap, one after the other: about 4.6 ms here,
/// all of it before the init's own start-up (docs/rootless.md). The first step (ours, or unshare
/// with `--keep-caps` and no map) forks the init at once; the init keeps the namespace's capabilities through its
/// exec as ambient ones (unmapped, it would not be root there and lose them), and does nothing
/// that needs its ids before the supervisor's go, which comes only after this has returned. The
/// two helpers run at once, beside the init's start-up.
/// </summary>
internal static class MapWriter
{
    /// <summary>
    /// Waits until <paramref name="firstStep"/> (this process's child, so its pid cannot be reused
    /// before it is reaped) is in a user namespace of its own, then writes <paramref name="map"/>
    /// there. False when the first step exited first (its stderr says why: unshare refused).
    /// </summary>
    public static bool Write(IdMap map, int firstStep)
    {
        if (!WaitUnshared(firstStep))
        {
            return false;
        }
        if (map is { Users: { } users, Groups: { } groups })
        {
            RunHelpers(firstStep, [(IdMap.NewUidMap, map.Uid, users), (IdMap.NewGidMap, map.Gid, groups)]);
        }
        else
        {
            // One id, the caller's own: the kernel lets the namespace's owner write that itself,
            // the gid only once setgroups is denied (as unshare --map-root-user does).
            WriteProcFile(firstStep, "setgroups", "deny");
            WriteProcFile(firstStep, "uid_map", Line(0, map.Uid, 1));
            WriteProcFile(firstStep, "gid_map", Line(0, map.Gid, 1));
        }
        return true;
    }

    /// <summary>
    /// Polls: unshare's exec and start take 1 to 2 ms, and nothing signals its unshare(2). The user
    /// namespace is the last it switches (after mount, PID and the others), so then all are made.
    /// A zombie still shows its user namespace, but no longer its mount namespace.
    /// </summary>
    private static bool WaitUnshared(int pid)
    {
        string? own = new FileInfo("/proc/self/ns/user").LinkTarget;
        string proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/";
        while (true)
        {
            string? user = LinkTarget(proc + "user");
            if (user is not null && user != own)
            {
                return true;
            }
            if (user is null || LinkTarget(proc + "mnt") is null)
            {
                return false;
            }
            Sys.SleepMicroseconds(50);
        }
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>newuidmap and newgidmap, both started before either is waited for; their stderr is one pipe, read if either failed.</summary>
    private static void RunHelpers(int pid, (string Tool, uint Id, SubordinateRange Range)[] helpers)
    {
        var errors = Sys.Pipe();
        var started = new List<(string Tool, int Pid)>();
        var failed = new List<string>();
        try
        {
            foreach (var (tool, id, range) in helpers)
            {
                string[] argv = [tool, pid.ToString(CultureInfo.InvariantCulture), "0", Text(id), "1", "1", Text(range.Start), Text(range.Count)];
                int child = Sys.Spawn(tool, argv, [FirstStep.SystemPath], [(errors.Write, 2)], out int errno);
                if (child < 0)
                {
                    throw new SyscallException("posix_spawn", tool, errno);
                }
                started.Add((tool, child));
            }
        }
        finally
        {
            // Whatever happened, every helper started is waited for.
            Sys.Close(errors.Write);
            foreach (var (tool, child) in started)
            {
                Sys.Wait(child, out int status);
                if (status != 0)
                {
                    failed.Add($"{Path.GetFileName(tool)} ({((status & 0x7f) == 0 ? $"exit status {status >> 8}" : $"signal {status & 0x7f}")})");
                }
            }
        }
        string said = string.Join("; ", Sys.ReadLines(errors.Read, 5));
        Sys.Close(errors.Read);
        if (failed.Count > 0)
        {
            throw new TinyDockerException($"the container's user namespace could not get its ids from /etc/subuid and /etc/subgid: "
                + $"{string.Join(" and ", failed)} failed: {said}");
        }
    }

    private static void WriteProcFile(int pid, string file, string text)
    {
        string path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/{file}";
        int fd = Sys.Open(path, O_WRONLY);
        try
        {
            // A map takes one write(2); a refusal is the write's errno.
            if (!Sys.WriteAll(fd, text))
            {
                throw new SyscallException("write", path, Sys.LastErrno);
            }
        }
        finally
        {
            Sys.Close(fd);
        }
    }

    private static string Line(uint inside, uint outside, uint count) => $"{Text(inside)} {Text(outside)} {Text(count)}\n";

    private static string Text(uint n) => n.ToString(CultureInfo.InvariantCulture);
}
