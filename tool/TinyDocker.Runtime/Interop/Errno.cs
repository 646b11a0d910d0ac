using System.Runtime.InteropServices;

namespace TinyDocker.Runtime.Interop;

/// <summary>errno values the runtime tests for, and their symbolic names for messages.</summary>
internal static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, ECHILD = 10,
        EAGAIN = 11, ENOMEM = 12, EACCES = 13, EBUSY = 16, EEXIST = 17, ENOTDIR = 20, EISDIR = 21,
        EINVAL = 22, ENOSPC = 28, EROFS = 30, ENAMETOOLONG = 36, ELOOP = 40, ENOEXEC = 8,
        ENODEV = 19, EOVERFLOW = 75, ENOSYS = 38, ETXTBSY = 26, E2BIG = 7, EINPROGRESS = 115,
        ENODATA = 61, ENOTSUP = 95;

    private static readonly Dictionary<int, string> Names = new()
    {
        [EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR", [EIO] = "EIO",
        [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC", [EBADF] = "EBADF", [ECHILD] = "ECHILD",
        [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM", [EACCES] = "EACCES", [EBUSY] = "EBUSY",
        [EEXIST] = "EEXIST", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
        [EINVAL] = "EINVAL", [ETXTBSY] = "ETXTBSY", [ENOSPC] = "ENOSPC", [EROFS] = "EROFS",
        [ENAMETOOLONG] = "ENAMETOOLONG", [EINPROGRESS] = "EINPROGRESS", [ENOSYS] = "ENOSYS", [ELOOP] = "ELOOP", [EOVERFLOW] = "EOVERFLOW",
        [ENODATA] = "ENODATA", [ENOTSUP] = "ENOTSUP",
    };

    public static string Name(int errno) => Names.TryGetValue(errno, out var name) ? name : $"errno {errno}";

    public static string Message(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
