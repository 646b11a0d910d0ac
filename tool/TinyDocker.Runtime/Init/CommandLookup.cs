// Runs in: the container's init, before pivot_root (paths are looked up under the new root).
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Mounts;

namespace TinyDocker.Runtime.Init;

/// <summary>Finds the command's executable inside the container, as execvp would, with the container's PATH.</summary>
public static class CommandLookup
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The error for a command that exec refused: 127 when it is missing, 126 otherwise.</summary>
    internal static TinyDockerException CannotExecute(string command, int errno)
        => new($"cannot execute `{command}`: {Interop.Errno.Name(errno)} ({Interop.Errno.Message(errno)})",
            errno is Interop.Errno.ENOENT or Interop.Errno.ENOTDIR ? ExitCodes.NotFound : ExitCodes.CannotExecute);

    /// <summary>
    /// Where execvp would look for a command without a slash, in order: each directory of the
    /// container's PATH (the default one without it) joined with it, an empty or relative directory
    /// taken from <paramref name="workingDir"/>.
    /// </summary>
    public static List<string> Candidates(string command, IReadOnlyList<string> env, string workingDir)
    {
        string path = DefaultPath;
        for (int i = env.Count - 1; i >= 0; i--)
        {
            if (env[i].StartsWith("PATH=", StringComparison.Ordinal))
            {
                path = env[i][5..];
                break;
            }
        }
        var candidates = new List<string>();
        foreach (var dir in path.Split(':'))
        {
            candidates.Add(Path.Combine(dir.Length == 0 ? workingDir : dir.StartsWith('/') ? dir : Path.Combine(workingDir, dir), command));
        }
        return candidates;
    }

    /// <summary>The path to execute (inside the container), or an exception with exit 127.</summary>
    public static string Find(string root, string command, IReadOnlyList<string> env, string workingDir)
    {
        if (command.Contains('/'))
        {
            return command; // relative to the working directory or absolute; exec reports what is wrong
        }
        string? notExecutable = null;
        using var inRoot = new ContainerRoot(root);
        foreach (var inContainer in Candidates(command, env, workingDir))
        {
            // As execvp: a directory of PATH that is missing, a file or a loop is skipped.
            int fd = inRoot.TryOpen(inContainer, Tmds.Linux.LibC.O_PATH);
            using var file = fd >= 0 ? new FileDescriptor(fd) : null;
            uint mode = file is null ? 0 : Sys.Fstat(file, inContainer).Mode;
            if (file is null || (mode & Sys.S_IFMT) == Sys.S_IFDIR)
            {
                continue;
            }
            if ((mode & 0b001_001_001) != 0)
            {
                return inContainer;
            }
            notExecutable ??= inContainer;
        }
        return notExecutable ?? throw NotFound(command);
    }

    /// <summary>A command that is nowhere in the container's PATH: exit 127.</summary>
    internal static TinyDockerException NotFound(string command)
        => new($"`{command}`: executable file not found in $PATH", ExitCodes.NotFound);
}
