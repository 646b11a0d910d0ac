using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>
/// What a container must not change on the host: a canary file, the hostname and the mount
/// table. Snapshot at construction; <see cref="AssertUntouched"/> compares.
/// </summary>
public sealed class HostWatch : IDisposable
{
    private const string CanaryContent = "canary: the host's own data\n";
    private readonly string _hostname = File.ReadAllText("/proc/sys/kernel/hostname");
    private readonly IReadOnlyList<string> _mounts = HostMounts();

    public HostWatch()
    {
        Canary = Path.Combine("/var/tmp", $"tinydocker-canary-{Guid.NewGuid():N}");
        File.WriteAllText(Canary, CanaryContent);
        Target = Path.Combine("/var/tmp", $"tinydocker-escape-{Guid.NewGuid():N}");
    }

    /// <summary>An existing host file an attempt tries to overwrite.</summary>
    public string Canary { get; }

    /// <summary>A host path an attempt tries to create; it must not exist afterwards.</summary>
    public string Target { get; }

    public void AssertUntouched()
    {
        Assert.Equal(CanaryContent, File.ReadAllText(Canary));
        Assert.False(File.Exists(Target), $"{Target} was created on the host");
        Assert.Equal(_hostname, File.ReadAllText("/proc/sys/kernel/hostname"));
        Assert.Equal(_mounts, HostMounts());
    }

    /// <summary>
    /// The host's own mount table: the system's mounts, which an escape would add to or take from.
    /// Left out are the places where other tests and other runs on this machine mount and unmount
    /// while this test runs (temporary directories, /run, state and data roots): comparing those
    /// made the suite race with itself. A container's own mounts never appear here at all.
    /// </summary>
    private static IReadOnlyList<string> HostMounts()
        => Machine.Mounts().Where(m => !Transient(m.Split(' ')[0])).ToList();

    private static bool Transient(string mountPoint)
        => mountPoint.Contains("tinydocker", StringComparison.Ordinal)
            || mountPoint.StartsWith(Path.GetTempPath(), StringComparison.Ordinal)
            || mountPoint.StartsWith("/tmp/", StringComparison.Ordinal)
            || mountPoint.StartsWith("/run/", StringComparison.Ordinal);

    public void Dispose()
    {
        File.Delete(Canary);
        File.Delete(Target);
    }
}
