// Runs in: the host tool, before a rootless container's first step is started.
namespace TinyDocker.Runtime.Rootless;

/// <summary>
/// The host settings that forbid an unprivileged user namespace, read before trying one, so the
/// refusal is one line naming the setting and its fix rather than unshare's bare EPERM or ENOSPC.
/// </summary>
public static class HostChecks
{
    /// <summary>The settings that forbid user namespaces for this caller, each with its fix (empty: none does).</summary>
    public static IEnumerable<string> Refusals(Func<string, string?>? read = null)
    {
        read ??= ReadSetting;
        if (read("/proc/sys/user/max_user_namespaces") is "0")
        {
            yield return "user namespaces are off (user.max_user_namespaces=0): set it above 0 (sysctl -w user.max_user_namespaces=15000), or run as root";
        }
        if (read("/proc/sys/kernel/unprivileged_userns_clone") is "0")
        {
            yield return "unprivileged user namespaces are off (kernel.unprivileged_userns_clone=0): sysctl -w kernel.unprivileged_userns_clone=1, or run as root";
        }
        if (read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") is "1")
        {
            yield return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1): "
                + "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile allowing `userns` for this tool, or run as root";
        }
    }

    /// <summary>Throws the first refusal as tinydocker's one-line error (exit 125).</summary>
    public static void Check()
    {
        foreach (var refusal in Refusals())
        {
            throw new TinyDockerException($"cannot run rootless: {refusal}");
        }
    }

    private static string? ReadSetting(string path)
    {
        // Most kernels have one or two of the three: a missing one is a stat, not a thrown and
        // caught FileNotFoundException (its stack walk) on every rootless run.
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the kernel has no such setting
        }
    }
}
