// Every native call the runtime makes is declared or wrapped here (one place for interop).
// Calls that take only integers come from Tmds.LibC; calls that take paths, and the ones
// Tmds.LibC 0.5.0 lacks (pivot_root, prctl, wait4, flock, posix_spawn), are [LibraryImport]s
// with UTF-8 string marshalling so callers never touch raw pointers.
using System.Runtime.InteropServices;

namespace TinyDocker.Runtime.Interop;

internal static unsafe partial class Sys
{
    private const string Libc = "libc.so.6";

    [LibraryImport(Libc, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount_(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport(Libc, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2_(string target, int flags);

    [LibraryImport(Libc, EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkdir_(string path, uint mode);

    [LibraryImport(Libc, EntryPoint = "rmdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rmdir_(string path);

    [LibraryImport(Libc, EntryPoint = "chdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chdir_(string path);

    [LibraryImport(Libc, EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mknod_(string path, uint mode, ulong dev);

    [LibraryImport(Libc, EntryPoint = "symlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int symlink_(string target, string linkPath);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open_(string path, int flags, uint mode);

    [LibraryImport(Libc, EntryPoint = "sethostname", SetLastError = true)]
    private static partial int sethostname_(byte* name, nuint len);

    [LibraryImport(Libc, EntryPoint = "flock", SetLastError = true)]
    private static partial int flock_(int fd, int operation);

    [LibraryImport(Libc, EntryPoint = "prctl", SetLastError = true)]
    private static partial int prctl_(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Libc, EntryPoint = "wait4", SetLastError = true)]
    private static partial int wait4_(int pid, int* status, int options, void* rusage);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall_paths(long number, string a, string b);

    [LibraryImport(Libc, EntryPoint = "posix_spawn")]
    private static partial int posix_spawn_(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int posix_spawn_file_actions_init_(void* fa);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static partial int posix_spawn_file_actions_adddup2_(void* fa, int fd, int newfd);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_addopen")]
    private static partial int posix_spawn_file_actions_addopen_(void* fa, int fd, byte* path, int oflag, uint mode);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int posix_spawn_file_actions_destroy_(void* fa);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_init")]
    private static partial int posix_spawnattr_init_(void* attr);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setflags")]
    private static partial int posix_spawnattr_setflags_(void* attr, short flags);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigmask")]
    private static partial int posix_spawnattr_setsigmask_(void* attr, void* sigset);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigdefault")]
    private static partial int posix_spawnattr_setsigdefault_(void* attr, void* sigset);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_destroy")]
    private static partial int posix_spawnattr_destroy_(void* attr);

    [LibraryImport(Libc, EntryPoint = "sigemptyset")]
    private static partial int sigemptyset_(void* set);

    [LibraryImport(Libc, EntryPoint = "sigfillset")]
    private static partial int sigfillset_(void* set);

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int ioctl_(int fd, nuint request, void* arg);

    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)]
    private static partial int socket_(int domain, int type, int protocol);
}
