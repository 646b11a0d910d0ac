// Runs in: the host tool (the supervisor), after the command exited and while the init still
// holds the container's mount namespace open; the container is reached through /proc/INIT/root.
using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Host;

/// <summary>`--copy-out`: results out of a container before its upper layer is discarded.</summary>
internal static class ResultCopier
{
    public static void CopyOut(int initPid, IEnumerable<CopyOut> items, TextWriter stderr)
    {
        string root = $"/proc/{initPid}/root";
        var (uid, gid) = InvokingUser();
        foreach (var item in items)
        {
            try
            {
                // Resolved inside the container: a symlink there cannot point the copy at a host file.
                string source = RootPath.Resolve(root, item.ContainerPath);
                if (!Path.Exists(source))
                {
                    stderr.WriteLine($"tinydocker: copy-out: `{item.ContainerPath}` does not exist in the container");
                    continue;
                }
                // As docker cp: into an existing directory, else as the named path.
                string destination = Directory.Exists(item.HostPath) && new FileInfo(item.HostPath).LinkTarget is null
                    ? Path.Combine(item.HostPath, Path.GetFileName(item.ContainerPath.TrimEnd('/')))
                    : item.HostPath;
                string? parent = Path.GetDirectoryName(Path.GetFullPath(destination));
                if (parent is not null)
                {
                    Directory.CreateDirectory(parent);
                }
                FileTree.Copy(source, destination, uid, gid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or TinyDockerException)
            {
                stderr.WriteLine($"tinydocker: copy-out of `{item.ContainerPath}` to `{item.HostPath}`: {e.Message}");
            }
        }
    }

    /// <summary>The user who ran the tool: under sudo the one sudo names, else this process's.</summary>
    public static (uint Uid, uint Gid) InvokingUser()
    {
        uint uid = Interop.Sys.GetUid(), gid = Interop.Sys.GetGid();
        if (uid == 0
            && uint.TryParse(Environment.GetEnvironmentVariable("SUDO_UID"), out uint sudoUid)
            && uint.TryParse(Environment.GetEnvironmentVariable("SUDO_GID"), out uint sudoGid))
        {
            return (sudoUid, sudoGid);
        }
        return (uid, gid);
    }
}
