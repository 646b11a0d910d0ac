using System.Diagnostics;

namespace TinyDocker.Testing;

/// <summary>
/// An ordinary user of this machine for rootless tests, made once by root (useradd) when
/// missing (scripts/test-user.sh): <see cref="WithRanges"/> has ranges in /etc/subuid and /etc/subgid (a podman-style
/// 65536-id map), <see cref="SingleId"/> has none (the map `0 -> uid` only). The tool runs as it
/// through util-linux setpriv, with its own HOME and nothing of root's environment but PATH.
/// </summary>
public sealed class RootlessUser
{
    private static readonly Lazy<RootlessUser?> Ranged = new(() => Create("tdrootless", ranges: true));
    private static readonly Lazy<RootlessUser?> Single = new(() => Create("tdrootless1", ranges: false));
    private static readonly Lazy<RootlessUser?> Overlapping = new(() => CreateOverlapping("tdrootless2"));

    private RootlessUser(string name, uint uid, uint gid, string home)
    {
        Name = name;
        Uid = uid;
        Gid = gid;
        Home = home;
    }

    public string Name { get; }

    public uint Uid { get; }

    public uint Gid { get; }

    public string Home { get; }

    /// <summary>A user with subordinate id ranges, or null (see <see cref="SkipReason"/>).</summary>
    public static RootlessUser? WithRanges => Ranged.Value;

    /// <summary>A user without subordinate ids, or null (see <see cref="SkipReason"/>).</summary>
    public static RootlessUser? SingleId => Single.Value;

    /// <summary>
    /// A user whose /etc/subuid and /etc/subgid ranges hold its own uid and gid: an administrator's
    /// slip that the tool takes as a range and the kernel refuses (EINVAL) when newuidmap writes the map.
    /// </summary>
    public static RootlessUser? WithOverlappingRange => Overlapping.Value;

    /// <summary>Why rootless tests cannot run here, or null when they can.</summary>
    public static string? SkipReason
        => !Machine.IsRoot ? "needs root to make its test users (useradd); CI runs as root"
            : !File.Exists("/usr/bin/setpriv") || !File.Exists("/usr/bin/unshare") ? "needs util-linux's setpriv and unshare"
            : !File.Exists("/usr/bin/newuidmap") ? "needs newuidmap/newgidmap (Debian's uidmap package; scripts/install-deps.sh)"
            : File.ReadAllText("/proc/sys/user/max_user_namespaces").Trim() == "0" ? "user namespaces are off here (user.max_user_namespaces=0)"
            : null;

    /// <summary>Makes <paramref name="dir"/> (and its missing parents) this user's, so the tool can write there as it.</summary>
    public void Own(string dir)
    {
        Directory.CreateDirectory(dir);
        Check("chown", ["-R", $"{Uid}:{Gid}", dir]);
    }

    /// <summary>The same program and arguments, run as this user (the environment is the given one, with HOME set).</summary>
    public ProcessStartInfo Wrap(ProcessStartInfo psi)
    {
        var wrapped = new ProcessStartInfo("/usr/bin/setpriv")
        {
            RedirectStandardInput = psi.RedirectStandardInput,
            RedirectStandardOutput = psi.RedirectStandardOutput,
            RedirectStandardError = psi.RedirectStandardError,
            WorkingDirectory = psi.WorkingDirectory,
        };
        foreach (var a in new[] { $"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "--", psi.FileName }.Concat(psi.ArgumentList))
        {
            wrapped.ArgumentList.Add(a);
        }
        wrapped.Environment.Clear();
        foreach (var (k, v) in psi.Environment)
        {
            if (v is not null && (k is "PATH" or "TINYDOCKER_ROOT" or "TINYDOCKER_DATA" || k.StartsWith("TINYDOCKER_", StringComparison.Ordinal) || k.StartsWith("DOTNET_", StringComparison.Ordinal)))
            {
                wrapped.Environment[k] = v;
            }
        }
        wrapped.Environment["HOME"] = Home;
        return wrapped;
    }

    private static RootlessUser? Create(string name, bool ranges)
    {
        if (SkipReason is not null)
        {
            return null;
        }
        // scripts/test-user.sh is the one place that makes test users: CI's rootless pass uses it too.
        Check(Path.Combine(Shell.RepositoryRoot, "scripts", "test-user.sh"), ranges ? [name, RangeStart.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [name]);
        var f = File.ReadLines("/etc/passwd").First(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(':');
        return new RootlessUser(name, uint.Parse(f[2]), uint.Parse(f[3]), f[5]);
    }

    private static RootlessUser? CreateOverlapping(string name)
    {
        var user = Create(name, ranges: false);
        if (user is not null)
        {
            Check(Path.Combine(Shell.RepositoryRoot, "scripts", "test-user.sh"), [name, Math.Min(user.Uid, user.Gid).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        return user;
    }

    /// <summary>The first subordinate id of the ranged user: far above the usual 100000 blocks useradd hands out.</summary>
    public const uint RangeStart = 3_000_000;

    private static void Check(string file, string[] args)
    {
        var r = Shell.Run(file, args, environment: null, timeout: TimeSpan.FromMinutes(1));
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {r}");
        }
    }
}
