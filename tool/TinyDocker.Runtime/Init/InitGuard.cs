// Runs in: the container's init, before its first mount.
namespace TinyDocker.Runtime.Init;

/// <summary>
/// Init mode mounts over "/" and pivots the root: run by hand on the host it would do that to
/// the host. It proceeds only as PID 1 of a new PID namespace whose mount namespace differs
/// from its parent's; a failed unshare can never fall through to mounts on the host. Rootless,
/// the parent is the first step (Rootless/FirstStep.cs), which made the namespaces and shares the
/// init's: then the grandparent's (the supervisor's) must differ. Run by hand under a plain
/// `unshare --pid --fork` both are the caller's, and the init refuses. Rootless, the kernel does
/// not let a process in a user namespace look at the namespaces of one outside it (EACCES): when
/// the grandparent's cannot be read, this process must be in a user namespace of its own (its
/// uid_map is not the identity) that owns its mount namespace: such a mount namespace was made
/// inside it, after it, so it is not the one the tool was started in (which the kernel would not
/// let it change anyway). The supervisor also checks before its go that the init's mount
/// namespace is not its own (Host/Supervisor.cs).
/// </summary>
internal static class InitGuard
{
    public static void Check()
    {
        if (Environment.ProcessId != 1)
        {
            throw new TinyDockerException("init refuses to run: it is not PID 1 of a new PID namespace (it is started by `tinydocker run`, not by hand)");
        }
        // /proc is still the host's here, so /proc/PID/status names the parent by its host pid.
        string self = NamespaceId("self") ?? throw new TinyDockerException("cannot read this process's mount namespace");
        string? ppid = ParentOf("self");
        string? parent = ppid is null ? self : NamespaceId(ppid);
        if ((parent is null || parent == self) && (ppid is null ? null : ParentOf(ppid)) is { } grandparent)
        {
            parent = NamespaceId(grandparent);
        }
        if (parent is null && InOwnUserNamespace())
        {
            if (!Interop.Sys.IsOwnedBy("/proc/self/ns/mnt", "/proc/self/ns/user"))
            {
                throw new TinyDockerException("init refuses to run: its mount namespace was not made in its user namespace");
            }
            return;
        }
        if (parent is null)
        {
            throw new TinyDockerException("init refuses to run: cannot read the mount namespace of its parent or grandparent");
        }
        if (self == parent)
        {
            throw new TinyDockerException("init refuses to run: its mount namespace is its parent's");
        }
    }

    /// <summary>True when this process's user namespace is not the initial one (whose map is all ids onto themselves).</summary>
    public static bool InOwnUserNamespace()
        => File.ReadAllText("/proc/self/uid_map").Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries) is not ["0", "0", "4294967295"];

    private static string? ParentOf(string pid)
        => File.ReadLines($"/proc/{pid}/status")
            .FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal))?[5..].Trim() is { } p and not "0" ? p : null;

    private static string? NamespaceId(string pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
