// Runs in: the host tool (the supervisor), after the command exited and the init killed and
// reaped every other process of the container, while the init still holds the container's mount
// namespace open; the container is reached through /proc/INIT/root.
using System.Text;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>`--copy-out`: results out of a container before its upper layer is discarded.</summary>
internal static class ResultCopier
{
    /// <summary>Copies each item; false when something was not copied (each loss named on stderr).</summary>
    /// <param name="containerWritten">Host directories a container may have written (<see cref="HostDestination.ContainerWritten"/>).</param>
    public static bool CopyOut(int initPid, IReadOnlyList<CopyOut> items, IReadOnlyList<string> containerWritten, TextWriter stderr)
    {
        if (items.Count == 0)
        {
            return true;
        }
        var (uid, gid) = InvokingUser();
        var problems = new CopyProblems(stderr, "copy-out");
        var writer = new SafeTreeWriter(uid, gid, keepWhiteouts: false, problems);
        using var root = Sys.OpenPath($"/proc/{initPid}/root", O_PATH | O_DIRECTORY);
        foreach (var item in items)
        {
            // Resolved as the container sees the path: its links are followed, but never out of its root.
            int fd = Sys.TryOpenat2(root.Value, Encoding.UTF8.GetBytes(item.ContainerPath), O_PATH,
                Sys.ResolveInRoot | Sys.ResolveNoMagicLinks);
            if (fd < 0)
            {
                stderr.WriteLine(-fd == Errno.ENOENT
                    ? $"tinydocker: copy-out: `{item.ContainerPath}` does not exist in the container"
                    : $"tinydocker: copy-out: `{item.ContainerPath}`: {Errno.Name(-fd)} ({Errno.Message(-fd)})");
                continue;
            }
            using var source = new FileDescriptor(fd);
            try
            {
                var (dir, name) = HostDestination.Open(item.HostPath, containerWritten);
                using (dir)
                {
                    // As docker cp: into an existing directory, else as the named path.
                    using var into = HostDestination.ExistingDirectory(dir, name);
                    byte[] baseName = Encoding.UTF8.GetBytes(Path.GetFileName(item.ContainerPath.TrimEnd('/')));
                    if (into is not null && baseName.Length > 0)
                    {
                        writer.Copy(source, into, baseName, item.ContainerPath);
                    }
                    else
                    {
                        writer.Copy(source, dir, name, item.ContainerPath);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or TinyDockerException)
            {
                problems.Add(item.ContainerPath, $"to `{item.HostPath}`: {e.Message}");
            }
        }
        problems.Finish();
        return !problems.Any;
    }

    /// <summary>The user who ran the tool: under sudo the one sudo names, else this process's.</summary>
    public static (uint Uid, uint Gid) InvokingUser()
    {
        uint uid = Sys.GetUid(), gid = Sys.GetGid();
        if (uid == 0
            && uint.TryParse(Environment.GetEnvironmentVariable("SUDO_UID"), out uint sudoUid)
            && uint.TryParse(Environment.GetEnvironmentVariable("SUDO_GID"), out uint sudoGid))
        {
            return (sudoUid, sudoGid);
        }
        return (uid, gid);
    }
}
