using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace TinyDocker.Testing;

/// <summary>
/// A real Debian root filesystem (debootstrap --variant=minbase) with the given packages, built
/// once per machine and kept under /var/tmp/tinydocker-test-images/ between runs, keyed by suite and
/// packages. Built into a temporary directory and renamed into place, under a lock file, so two
/// test processes never build it twice nor see half of one. The first build takes minutes
/// (downloads from the Debian mirror); later ones return at once. Used as a directory image.
/// </summary>
public static class DebianImage
{
    public const string CacheRoot = "/var/tmp/tinydocker-test-images";
    public const string Debootstrap = "/usr/sbin/debootstrap";

    /// <summary>The packages the service suites need: PostgreSQL 15 (its client too) and Redis (redis-cli too).</summary>
    public static readonly string[] ServicePackages = ["postgresql-15", "redis-server"];

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(30);

    public static bool Available => File.Exists(Debootstrap);

    /// <summary>TINYDOCKER_DEBIAN_MIRROR, else deb.debian.org.</summary>
    public static string Mirror => Environment.GetEnvironmentVariable("TINYDOCKER_DEBIAN_MIRROR") is { Length: > 0 } m ? m : "http://deb.debian.org/debian";

    /// <summary>The cached root filesystem of <paramref name="suite"/> with <paramref name="packages"/>, built first if need be.</summary>
    public static string RootFs(string suite, IReadOnlyCollection<string> packages)
    {
        string key = Key(suite, packages);
        string final = Path.Combine(CacheRoot, key);
        if (Directory.Exists(final))
        {
            return final;
        }
        if (!Available)
        {
            throw new InvalidOperationException($"{Debootstrap} is missing: run scripts/install-deps.sh (package debootstrap)");
        }
        Directory.CreateDirectory(CacheRoot);
        using var held = Lock(Path.Combine(CacheRoot, key + ".lock"));
        if (Directory.Exists(final))
        {
            return final; // Another process built it while this one waited.
        }
        string temp = Path.Combine(CacheRoot, $".{key}.build-{Guid.NewGuid():N}");
        try
        {
            Build(suite, packages, temp);
            Directory.Move(temp, final);
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Unmount(temp);
                Directory.Delete(temp, recursive: true);
            }
        }
        return final;
    }

    /// <summary>The same root filesystem as a tarball (for `image import` and `docker import`), made once beside it.</summary>
    public static string RootFsTarball(string suite, IReadOnlyCollection<string> packages)
    {
        string dir = RootFs(suite, packages);
        string tar = dir + ".tar";
        if (File.Exists(tar))
        {
            return tar;
        }
        using var held = Lock(dir + ".lock");
        if (File.Exists(tar))
        {
            return tar;
        }
        string temp = $"{tar}.build-{Guid.NewGuid():N}";
        try
        {
            var r = Shell.Run("tar", ["--numeric-owner", "--xattrs", "-C", dir, "-cf", temp, "."]);
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException($"tar of {dir} failed ({r.ExitCode}): {r.Stderr}");
            }
            File.Move(temp, tar);
        }
        finally
        {
            File.Delete(temp);
        }
        return tar;
    }

    /// <summary>`bookworm-minbase-` and a hash of the sorted package list.</summary>
    public static string Key(string suite, IReadOnlyCollection<string> packages)
    {
        string list = string.Join(',', packages.Order(StringComparer.Ordinal));
        return $"{suite}-minbase-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(list)))[..12].ToLowerInvariant()}";
    }

    private static void Build(string suite, IReadOnlyCollection<string> packages, string target)
    {
        var sw = Stopwatch.StartNew();
        var psi = new ProcessStartInfo(Debootstrap) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--variant=minbase", "--include=" + string.Join(',', packages), suite, target, Mirror })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(BuildTimeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        if (p.ExitCode != 0)
        {
            string log = stdout.Result + stderr.Result;
            throw new InvalidOperationException($"debootstrap {suite} failed ({p.ExitCode}) after {sw.Elapsed.TotalSeconds:0}s:\n{string.Join('\n', log.Split('\n').TakeLast(30))}");
        }
        // The downloaded .debs are half the tree and no run needs them.
        foreach (var deb in Directory.EnumerateFiles(Path.Combine(target, "var/cache/apt/archives"), "*.deb"))
        {
            File.Delete(deb);
        }
        File.WriteAllText(Path.Combine(target, ".tinydocker-build"), $"debootstrap --variant=minbase {suite} {string.Join(',', packages)}: {sw.Elapsed.TotalSeconds:0}s\n");
    }

    // A killed debootstrap can leave its /proc and /sys mounts in the target.
    private static void Unmount(string target)
    {
        foreach (var m in new[] { "proc", "sys", "dev/pts" })
        {
            using var p = Process.Start(new ProcessStartInfo("umount", ["-l", Path.Combine(target, m)]) { RedirectStandardError = true, RedirectStandardOutput = true });
            p?.WaitForExit();
        }
    }

    // .NET's FileShare.None is an flock on Linux: held until this process closes it or dies.
    private static FileStream Lock(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < BuildTimeout)
            {
                Thread.Sleep(1000);
            }
        }
    }
}
