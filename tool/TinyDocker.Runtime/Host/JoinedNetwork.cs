// Runs in: the host tool (the supervisor), from before the container's namespaces are made until it has started.
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// The running container whose network namespace a `--network container:NAME` container gets:
/// NAME's init held as a pidfd, its host pid, and its network namespace as read while that pidfd
/// showed it alive (so the namespace is NAME's, never that of a process that reused its pid).
/// </summary>
internal sealed class JoinedNetwork(FileDescriptor init, int initPid, string netNamespace) : IDisposable
{
    /// <summary>A pidfd of NAME's init (rootful: the namespace thread joins its network through it).</summary>
    public FileDescriptor Init { get; } = init;

    /// <summary>NAME's init in the host's PID namespace (rootless: nsenter's target).</summary>
    public int InitPid { get; } = initPid;

    /// <summary>`net:[INODE]` of NAME's network namespace.</summary>
    public string NetNamespace { get; } = netNamespace;

    /// <summary>Throws unless process <paramref name="pid"/> (the new init, before its go) is in NAME's network namespace.</summary>
    public void CheckJoined(int pid, string name)
    {
        if (new FileInfo($"/proc/{pid}/ns/net").LinkTarget != NetNamespace)
        {
            throw new TinyDockerException($"container `{name}` did not start in the network namespace it was to join (that container exited meanwhile)");
        }
    }

    public void Dispose() => Init.Dispose();
}
