// Runs in: the host tool (the supervisor), before the container's namespaces are made.
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// `--network container:NAME`: the new container's init is started in NAME's network namespace,
/// so 127.0.0.1 reaches NAME's servers. Rootful, its namespace thread joins it through a pidfd of
/// NAME's init right after unsharing the others. Rootless, the first step joins NAME's user
/// namespace and then its network namespace (Rootless/SharedUserNamespace.cs says why it must be
/// the same user namespace) before it unshares the others. NAME is checked to still run after its
/// pidfd was opened, and the new init is checked to be in NAME's namespace before its go. When
/// NAME exits, the joiner keeps the namespace (the kernel keeps it while a process is in it), now
/// with nobody else in it, as a docker container does: see docs/services.md.
/// </summary>
internal static class NetworkJoin
{
    /// <summary>The container whose network the spec joins, or null when it makes a network of its own or uses the host's.</summary>
    public static JoinedNetwork? Open(ContainerSpec spec)
    {
        if (NetworkModes.JoinedContainer(spec.Network) is not { } target)
        {
            return null;
        }
        var (init, other) = OpenLive(spec.StateRoot, target);
        try
        {
            if (spec.UserNamespace is { } map)
            {
                if (other.Spec.Network == NetworkModes.Host)
                {
                    // Its network namespace is the host's, which no user namespace of ours owns.
                    throw new TinyDockerException($"container `{target}` uses the host's network: a rootless container gets it with --network host");
                }
                Rootless.SharedUserNamespace.Check(map, other.InitPid, target);
            }
            string? net = null;
            try
            {
                net = new FileInfo($"/proc/{other.InitPid}/ns/net").LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            if (net is null || Sys.WaitReadable(init.Value, 0))
            {
                throw new TinyDockerException($"no running container named `{target}`");
            }
            return new JoinedNetwork(init, other.InitPid, net);
        }
        catch
        {
            init.Dispose();
            throw;
        }
    }

    /// <summary>A pidfd of running container <paramref name="target"/>'s init (the init itself, never a process that reused its pid).</summary>
    public static FileDescriptor OpenInit(string root, string target) => OpenLive(root, target).Init;

    private static (FileDescriptor Init, LiveContainer Container) OpenLive(string root, string target)
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
        return (pidfd, other);
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
