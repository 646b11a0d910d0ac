// Runs in: the host tool (the supervisor), before the container's namespaces are made.
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// `--network container:NAME`: the new container's init is started in NAME's network namespace
/// (its namespace thread joins it right after unsharing the others), so 127.0.0.1 reaches NAME's
/// servers. NAME's init is held as a pidfd, and NAME is checked to still run after it was opened:
/// the namespace joined is NAME's, never that of a process that reused its pid. When NAME exits,
/// the joiner keeps the namespace (the kernel keeps it while a process is in it), now with nobody
/// else in it, as a docker container does: see docs/services.md.
/// </summary>
internal static class NetworkJoin
{
    /// <summary>A pidfd of the target's init, or null when the spec makes a network of its own or uses the host's.</summary>
    public static FileDescriptor? Open(ContainerSpec spec)
    {
        return NetworkModes.JoinedContainer(spec.Network) is { } target ? OpenInit(spec.StateRoot, target) : null;
    }

    /// <summary>A pidfd of running container <paramref name="target"/>'s init (the init itself, never a process that reused its pid).</summary>
    public static FileDescriptor OpenInit(string root, string target)
    {
        var other = LiveContainer.Open(root, target);
        var pidfd = Sys.PidfdOpen(other.InitPid) is { } fd ? new FileDescriptor(fd) : null;
        // Checked after the pidfd exists: while the process it names lives, its pid is its own, so
        // a live tinydocker init at that pid, recorded by a container still running, is NAME's init.
        if (pidfd is null || Sys.WaitReadable(pidfd.Value, 0) || !IsInit(other.InitPid)
            || LiveContainer.Open(root, target).InitPid != other.InitPid)
        {
            pidfd?.Dispose();
            throw new TinyDockerException($"no running container named `{target}`");
        }
        return pidfd;
    }

    private static bool IsInit(int pid)
    {
        try
        {
            return SelfExe.IsInitCommandLine(File.ReadAllText($"/proc/{pid}/cmdline"));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
