// Runs in: the container's init, before its first mount.
namespace TinyDocker.Runtime.Init;

/// <summary>
/// Init mode mounts over "/" and pivots the root: run by hand on the host it would do that to
/// the host. It proceeds only as PID 1 of a new PID namespace whose mount namespace differs
/// from its parent's; a failed unshare can never fall through to mounts on the host.
/// </summary>
internal static class InitGuard
{
    public static void Check()
    {
        if (Environment.ProcessId != 1)
        {
            throw new TinyDockerException("init refuses to run: it is not PID 1 of a new PID namespace (it is started by `tinydocker run`, not by hand)");
        }
        // /proc is still the host's here, so /proc/self/status names the parent by its host pid.
        string? ppid = File.ReadLines("/proc/self/status")
            .FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal))?[5..].Trim();
        string self = NamespaceId("self");
        string parent = ppid is null or "0" ? self : NamespaceId(ppid);
        if (self == parent)
        {
            throw new TinyDockerException("init refuses to run: its mount namespace is its parent's");
        }
    }

    private static string NamespaceId(string pid)
        => new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget
           ?? throw new TinyDockerException($"cannot read the mount namespace of process {pid}");
}
