using System.Runtime.InteropServices;
using TinyDocker.Runtime.Security;

namespace TinyDocker.Runtime.Interop;

/// <summary>
/// Capabilities, seccomp and descriptor hygiene. Capability sets, the bounding set, no_new_privs
/// and a seccomp filter loaded without TSYNC all belong to the calling thread only: the init's
/// main thread restricts itself right before it spawns the command, which inherits them.
/// </summary>
internal static unsafe partial class Sys
{
    private const int PR_SET_DUMPABLE = 4, PR_CAPBSET_DROP = 24, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_CLEAR_ALL = 4;
    private const uint LINUX_CAPABILITY_VERSION_3 = 0x2008_0522;
    private const uint SECCOMP_SET_MODE_FILTER = 1;
    private const uint CLOSE_RANGE_CLOEXEC = 1 << 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFprog
    {
        public ushort Len;
        public BpfInstruction* Filter;
    }

    /// <summary>Removes one capability from the calling thread's bounding set; false when the kernel does not know it.</summary>
    public static bool DropBoundingCapability(int cap)
    {
        if (prctl_(PR_CAPBSET_DROP, (nuint)cap, 0, 0, 0) == 0)
        {
            return true;
        }
        int errno = LastErrno;
        return errno == Errno.EINVAL ? false : throw new SyscallException($"prctl(PR_CAPBSET_DROP, {cap})", null, errno);
    }

    /// <summary>
    /// Makes this process non-dumpable: /proc/PID/{root,fd,mem,environ} and ptrace then need
    /// CAP_SYS_PTRACE, which the command does not have. An execve makes the command dumpable again.
    /// </summary>
    public static void SetNotDumpable()
    {
        if (prctl_(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        {
            throw new SyscallException("prctl(PR_SET_DUMPABLE)", null, LastErrno);
        }
    }

    public static void ClearAmbientCapabilities()
    {
        if (prctl_(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
        {
            throw new SyscallException("prctl(PR_CAP_AMBIENT_CLEAR_ALL)", null, LastErrno);
        }
    }

    /// <summary>capget(2) of the calling thread: effective, permitted and inheritable as 64-bit masks.</summary>
    public static (ulong Effective, ulong Permitted, ulong Inheritable) GetThreadCapabilities()
    {
        uint* header = stackalloc uint[2] { LINUX_CAPABILITY_VERSION_3, 0 };
        uint* data = stackalloc uint[6];
        if (syscall3(SyscallTable.ForThisProcess("capget"), (nuint)header, (nuint)data, 0) < 0)
        {
            throw new SyscallException("capget", null, LastErrno);
        }
        return (data[0] | (ulong)data[3] << 32, data[1] | (ulong)data[4] << 32, data[2] | (ulong)data[5] << 32);
    }

    /// <summary>capset(2) on the calling thread: effective, permitted and inheritable as 64-bit masks.</summary>
    public static void SetThreadCapabilities(ulong effective, ulong permitted, ulong inheritable)
    {
        uint* header = stackalloc uint[2] { LINUX_CAPABILITY_VERSION_3, 0 }; // pid 0: this thread
        uint* data = stackalloc uint[6]
        {
            (uint)effective, (uint)permitted, (uint)inheritable,
            (uint)(effective >> 32), (uint)(permitted >> 32), (uint)(inheritable >> 32),
        };
        if (syscall3(SyscallTable.ForThisProcess("capset"), (nuint)header, (nuint)data, 0) < 0)
        {
            throw new SyscallException("capset", null, LastErrno);
        }
    }

    /// <summary>Loads a seccomp filter on the calling thread only (no TSYNC); needs no_new_privs or CAP_SYS_ADMIN.</summary>
    public static void LoadSeccompFilter(BpfInstruction[] program)
    {
        fixed (BpfInstruction* p = program)
        {
            var prog = new SockFprog { Len = (ushort)program.Length, Filter = p };
            if (syscall3(SyscallTable.ForThisProcess("seccomp"), SECCOMP_SET_MODE_FILTER, 0, (nuint)(&prog)) < 0)
            {
                throw new SyscallException("seccomp(SECCOMP_SET_MODE_FILTER)", null, LastErrno);
            }
        }
    }

    /// <summary>
    /// Marks every descriptor from <paramref name="first"/> up close-on-exec, so nothing this process
    /// inherited without O_CLOEXEC reaches a program it starts (those it passes on purpose are dup2'd).
    /// </summary>
    public static void CloseOnExecFrom(int first)
    {
        if (syscall3(SyscallTable.ForThisProcess("close_range"), (nuint)first, uint.MaxValue, CLOSE_RANGE_CLOEXEC) < 0)
        {
            throw new SyscallException("close_range(CLOSE_RANGE_CLOEXEC)", null, LastErrno);
        }
    }
}
