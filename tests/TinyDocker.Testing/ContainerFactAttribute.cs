namespace TinyDocker.Testing;

/// <summary>
/// A fact that runs containers: it runs as root (rootful) and, as an ordinary user, rootless (the
/// tool's default for anyone not root); skipped, with the reason, only when neither can run here.
/// </summary>
public sealed class ContainerFactAttribute : FactAttribute
{
    public ContainerFactAttribute()
    {
        if (Containers.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that runs containers, as <see cref="ContainerFactAttribute"/>.</summary>
public sealed class ContainerTheoryAttribute : TheoryAttribute
{
    public ContainerTheoryAttribute()
    {
        if (Containers.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>Whether this test process can run containers: as root always, as an ordinary user when rootless works here.</summary>
public static class Containers
{
    /// <summary>True when the tests run as an ordinary user: every container they start is rootless.</summary>
    public static bool Rootless => !Machine.IsRoot;

    /// <summary>
    /// Limits a test adds only to show that their cgroups are cleaned up too; none rootless, where
    /// limits are refused (no cgroup delegation here) and no cgroup is made.
    /// </summary>
    public static string[] IncidentalLimits(params string[] limits) => Rootless ? [] : limits;

    /// <summary>Why containers cannot run here, or null.</summary>
    public static string? SkipReason
        => Machine.IsRoot ? null
            : !File.Exists("/usr/bin/unshare") ? "rootless containers need util-linux's unshare (or run as root)"
            : File.ReadAllText("/proc/sys/user/max_user_namespaces").Trim() == "0" ? "rootless containers need user namespaces (user.max_user_namespaces=0 here; or run as root)"
            : null;
}
