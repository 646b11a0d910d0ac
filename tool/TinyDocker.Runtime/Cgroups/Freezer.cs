// Runs in: the host tool (`commit`), in the host's namespaces, while the container runs.
using System.Globalization;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Cgroups;

/// <summary>
/// Holds a running container still while `commit` copies its upper layer, as `docker commit`
/// pauses it: the cgroup freezer stops every process at once, so no file is half-written in the
/// layer and no name changes under the walk. cgroup v1 (these machines): the container's
/// processes — every process of its PID namespace but the init, which writes nothing there — are
/// moved into a freezer cgroup of their own (`tinydocker/GROUP-commit` in the freezer hierarchy),
/// frozen, and moved back once thawed; a process forked during the move is caught by going round
/// again until every member is in. cgroup v2: the container's own cgroup (when it has one: a limit
/// or --json-status) is frozen with cgroup.freeze. A commit killed by SIGKILL while it holds the
/// freeze leaves the container frozen (`freezer.state` THAWED, or cgroup.freeze 0, releases it).
/// </summary>
internal sealed class Freezer : IDisposable
{
    private static readonly TimeSpan FreezeTimeout = TimeSpan.FromSeconds(10);
    private readonly string _dir;
    private readonly string? _origin;
    private int _thawed;

    private Freezer(string dir, string? origin)
    {
        _dir = dir;
        _origin = origin;
    }

    /// <summary>Freezes the container whose init is <paramref name="initPid"/>; null when this machine gives no way to.</summary>
    public static Freezer? TryFreeze(ContainerSpec spec, int initPid, string mountRoot = Cgroup.MountRoot)
    {
        string v1 = Path.Combine(mountRoot, "freezer");
        if (Directory.Exists(v1) && File.Exists(Path.Combine(v1, "cgroup.procs")))
        {
            string origin = v1 + OwnFreezerCgroup(initPid);
            var freezer = new Freezer(Path.Combine(v1, Cgroup.ParentName, Cgroup.GroupName(spec) + "-commit"), origin);
            Directory.CreateDirectory(freezer._dir);
            return freezer.Run(() => freezer.FreezeV1(initPid));
        }
        string v2 = Path.Combine(mountRoot, Cgroup.ParentName, Cgroup.GroupName(spec));
        if (Cgroup.IsUnified(mountRoot) && File.Exists(Path.Combine(v2, "cgroup.freeze")))
        {
            var freezer = new Freezer(v2, origin: null);
            return freezer.Run(() =>
            {
                CgroupFiles.Write(v2, "cgroup.freeze", "1");
                freezer.WaitFor(() => CgroupFiles.ReadKey(v2, "cgroup.events", "frozen") == 1);
            });
        }
        return null;
    }

    private Freezer Run(Action freeze)
    {
        try
        {
            freeze();
            return this;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void FreezeV1(int initPid)
    {
        string ns = PidNamespace(initPid) ?? throw new TinyDockerException("the container exited");
        for (int round = 0; round < 100; round++)
        {
            var inside = Procs(_dir);
            var missing = Members(ns, initPid).Where(pid => !inside.Contains(pid)).ToList();
            if (missing.Count == 0 && round > 0)
            {
                return;
            }
            foreach (int pid in missing)
            {
                TryWrite(Path.Combine(_dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture)); // gone already: fine
            }
            CgroupFiles.Write(_dir, "freezer.state", "FROZEN");
            WaitFor(() => File.ReadAllText(Path.Combine(_dir, "freezer.state")).Trim() == "FROZEN");
        }
        throw new TinyDockerException("the container's processes keep forking: it could not be frozen");
    }

    private void WaitFor(Func<bool> frozen)
    {
        var deadline = MonotonicClock.Now + FreezeTimeout;
        while (!frozen())
        {
            if (MonotonicClock.Now > deadline)
            {
                throw new TinyDockerException($"the container did not freeze within {Durations.Format(FreezeTimeout)}");
            }
            Thread.Sleep(5);
        }
    }

    /// <summary>
    /// Every live process of the container's PID namespace but its init, from the host's /proc
    /// (metadata only). Not a zombie: it runs nothing and cannot be moved into a cgroup, and once its
    /// parent is frozen it is never reaped, so waiting for it would never end.
    /// </summary>
    private static List<int> Members(string ns, int initPid)
        => Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : 0)
            .Where(pid => pid > 0 && pid != initPid && PidNamespace(pid) == ns && !HasExited(pid))
            .ToList();

    /// <summary>A zombie (Z) or a dying (X) process: the state after the command name in /proc/PID/stat.</summary>
    private static bool HasExited(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int end = stat.LastIndexOf(')');
            return end < 0 || end + 2 >= stat.Length || stat[end + 2] is 'Z' or 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // gone
        }
    }

    private static string? PidNamespace(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/pid").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // exited
        }
    }

    private static HashSet<int> Procs(string dir)
        => File.ReadAllLines(Path.Combine(dir, "cgroup.procs")).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToHashSet();

    /// <summary>The init's freezer cgroup (v1 `N:freezer:/PATH` in /proc/PID/cgroup): where its processes go back to.</summary>
    private static string OwnFreezerCgroup(int initPid)
        => File.ReadLines($"/proc/{initPid}/cgroup").Select(l => l.Split(':', 3))
            .FirstOrDefault(f => f.Length == 3 && f[1].Split(',').Contains("freezer")) is { } line ? line[2].TrimEnd('/') : "";

    private static void TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Thaws the container (idempotent); v1 moves its processes back and removes the freezer cgroup.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _thawed, 1) == 1)
        {
            return; // a signal handler thawed already
        }
        if (_origin is null)
        {
            TryWrite(Path.Combine(_dir, "cgroup.freeze"), "0");
            return;
        }
        TryWrite(Path.Combine(_dir, "freezer.state"), "THAWED");
        if (Directory.Exists(_dir))
        {
            foreach (int pid in Procs(_dir))
            {
                TryWrite(Path.Combine(_origin, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            }
            CgroupFiles.Remove(_dir);
        }
    }
}
