using System.Runtime.InteropServices;
using TinyDocker.Runtime.Security;

namespace TinyDocker.Runtime.Interop;

/// <summary>
/// Credentials of the calling thread only. glibc's setresuid() changes every thread of the
/// process; the raw system calls change one, which is what the init wants: its main thread
/// takes the command's identity just before spawning it, while the thread that kills and the
/// signal thread keep root.
/// </summary>
internal static partial class Sys
{
    private const int PR_SET_NO_NEW_PRIVS = 38;

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall3(long number, nuint a, nuint b, nuint c);

    public static void SetThreadCredentials(uint uid, uint gid)
    {
        long setgroups = SyscallTable.ForThisProcess("setgroups"), setresgid = SyscallTable.ForThisProcess("setresgid"), setresuid = SyscallTable.ForThisProcess("setresuid");
        // EPERM only in a rootless container with a single-id map, whose user namespace denies
        // setgroups (unprivileged maps must): the caller's groups stay there, unmapped (nobody).
        if (syscall3(setgroups, 0, 0, 0) < 0 && LastErrno != Errno.EPERM)
        {
            throw new SyscallException("setgroups", null, LastErrno);
        }
        if (syscall3(setresgid, gid, gid, gid) < 0)
        {
            throw new SyscallException("setresgid", gid.ToString(System.Globalization.CultureInfo.InvariantCulture), LastErrno);
        }
        if (syscall3(setresuid, uid, uid, uid) < 0)
        {
            throw new SyscallException("setresuid", uid.ToString(System.Globalization.CultureInfo.InvariantCulture), LastErrno);
        }
    }

    /// <summary>The calling thread's id (v1 cgroups move single threads by it).</summary>
    public static int GetTid() => (int)syscall3(SyscallTable.ForThisProcess("gettid"), 0, 0, 0);

    /// <summary>Moves the calling thread into the namespace behind <paramref name="fd"/>.</summary>
    public static void SetNs(int fd, int type)
    {
        if (Tmds.Linux.LibC.setns(fd, type) < 0)
        {
            throw new SyscallException("setns", null, LastErrno);
        }
    }

    /// <summary>No execve of this thread or its children can gain privileges (setuid bits, file capabilities).</summary>
    public static void SetNoNewPrivs()
    {
        if (prctl_(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        {
            throw new SyscallException("prctl(PR_SET_NO_NEW_PRIVS)", null, LastErrno);
        }
    }
}
