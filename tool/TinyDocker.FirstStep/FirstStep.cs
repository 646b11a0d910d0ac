// Runs in: a rootless container's first step, a process of its own between the tool and the init.
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RuntimeFree;

[module: SkipLocalsInit]

namespace FirstStep;

/// <summary>
/// `tinydocker-firststep [--net] -- INIT [ARG...]`: makes a new user namespace and, inside it, new
/// mount, UTS, IPC and PID namespaces (and a network namespace with --net), keeps the user
/// namespace's capabilities for the init's exec, forks the init as PID 1 and waits for it, exiting
/// as it did. The tool writes the user namespace's ids meanwhile (Rootless/MapWriter.cs). That is
/// util-linux's `unshare --user --keep-caps --mount --uts --ipc --pid [--net] --fork --kill-child`,
/// the fallback, in a static executable with no runtime: the kernel lets only a single-threaded
/// process unshare a user namespace, and this one is single-threaded from its first instruction;
/// it has no dynamic loader, locale or option parser to start before its unshare either, and
/// linked against musl none of glibc's start-up, which cost a run about 1 ms here (docs/benchmarks.md).
/// Every line it writes starts with its name; it closes no descriptor (the init's are the tool's).
/// </summary>
internal static unsafe class Program
{
    private const int CLONE_NEWNS = 0x00020000, CLONE_NEWUTS = 0x04000000, CLONE_NEWIPC = 0x08000000,
        CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000;

    private const int SIGKILL = 9, SIGINT = 2, SIGTERM = 15, SIG_BLOCK = 0, SIG_SETMASK = 2, SIG_UNBLOCK = 1;
    private const int PR_SET_PDEATHSIG = 1, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_RAISE = 2;
    private const int EINTR = 4, ENOENT = 2, EINVAL = 22;

    // Exit codes of its own, as util-linux's: 1 when a namespace or the fork is refused, 2 for a
    // bad command line; 126 and 127 (from the init's side of the fork) as a shell's for an init that cannot run.
    private const int Refused = 1, Usage = 2, CannotRun = 126, NotFound = 127;

    private static void Main() { }

    [RuntimeExport("main")]
    private static int Start(int argc, byte** argv, byte** envp)
    {
        int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID;
        int first = 1;
        if (first < argc && Equals(argv[first], "--net"))
        {
            flags |= CLONE_NEWNET;
            first++;
        }
        if (first + 1 >= argc || !Equals(argv[first], "--"))
        {
            Say("usage: tinydocker-firststep [--net] -- PROGRAM [ARG...]");
            return Usage;
        }
        byte** init = argv + first + 1;

        if (Libc.unshare(flags) != 0)
        {
            return Fail("unshare failed: ", null, Refused);
        }
        if (!KeepCapabilities())
        {
            return Fail("cannot keep the user namespace's capabilities: ", null, Refused);
        }
        // As util-linux's --fork: a Ctrl-C or SIGTERM meant for the container goes to the init
        // (the tool signals it); this process must outlive it to report how it ended.
        SignalSet mask, saved;
        Libc.sigemptyset(&mask);
        Libc.sigaddset(&mask, SIGINT);
        Libc.sigaddset(&mask, SIGTERM);
        Libc.sigprocmask(SIG_BLOCK, &mask, &saved);
        int child = Libc.fork();
        if (child < 0)
        {
            return Fail("fork failed: ", null, Refused);
        }
        if (child == 0)
        {
            Libc.sigprocmask(SIG_SETMASK, &saved, null);
            // util-linux's --kill-child: the init dies with this process. (If this process died
            // between the fork and here, the tool's pipes tell the init: InitProtocol.cs.)
            Libc.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
            Libc.execve(init[0], init, envp);
            Libc._exit(Fail("cannot run ", init[0], *Libc.__errno_location() == ENOENT ? NotFound : CannotRun));
        }
        return ExitAs(child);
    }

    /// <summary>
    /// The capabilities this process has in its new user namespace, kept through the init's exec
    /// as ambient ones: its ids are not mapped yet, so the exec would not make it root there.
    /// </summary>
    private static bool KeepCapabilities()
    {
        var header = new CapabilityHeader { Version = 0x20080522 }; // _LINUX_CAPABILITY_VERSION_3, this process
        CapabilitySets sets;
        if (Libc.capget(&header, &sets) != 0)
        {
            return false;
        }
        sets.Low.Inheritable = sets.Low.Permitted;
        sets.High.Inheritable = sets.High.Permitted;
        if (Libc.capset(&header, &sets) != 0)
        {
            return false;
        }
        for (ulong cap = 0; cap < 64; cap++)
        {
            if (Libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0)
            {
                // EINVAL past the kernel's last capability.
                return *Libc.__errno_location() == EINVAL && cap > 0;
            }
        }
        return true;
    }

    /// <summary>Waits for the init and ends as it did: its exit code, or killed by its signal.</summary>
    private static int ExitAs(int child)
    {
        int status;
        while (Libc.waitpid(child, &status, 0) < 0)
        {
            if (*Libc.__errno_location() != EINTR)
            {
                return Fail("waitpid failed: ", null, Refused);
            }
        }
        int signal = status & 0x7f;
        if (signal == 0)
        {
            return (status >> 8) & 0xff;
        }
        Libc.signal(signal, 0);
        SignalSet mask;
        Libc.sigemptyset(&mask);
        Libc.sigaddset(&mask, signal);
        Libc.sigprocmask(SIG_UNBLOCK, &mask, null);
        Libc.kill(Libc.getpid(), signal);
        return 128 + signal;
    }

    private static bool Equals(byte* arg, string text)
    {
        fixed (char* t = text)
        {
            int i = 0;
            for (; i < text.Length; i++)
            {
                if (arg[i] != (byte)t[i])
                {
                    return false;
                }
            }
            return arg[i] == 0;
        }
    }

    /// <summary>
    /// Writes "tinydocker-firststep: TEXT[NAME: ]strerror(errno)" as one line, in pieces (a buffer
    /// on the stack would need the runtime's stack cookie); returns <paramref name="code"/>.
    /// </summary>
    private static int Fail(string text, byte* name, int code)
    {
        byte* reason = Libc.strerror(*Libc.__errno_location());
        Write("tinydocker-firststep: ");
        Write(text);
        if (name is not null)
        {
            Write(name);
            Write(": ");
        }
        Write(reason);
        Write("\n");
        return code;
    }

    private static void Say(string text)
    {
        Write("tinydocker-firststep: ");
        Write(text);
        Write("\n");
    }

    private static void Write(string text)
    {
        // Its literals are ASCII: one byte of each UTF-16 unit, written as it goes.
        fixed (char* t = text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                byte b = (byte)t[i];
                Libc.write(2, &b, 1);
            }
        }
    }

    private static void Write(byte* text)
    {
        nint n = 0;
        while (text[n] != 0)
        {
            n++;
        }
        Libc.write(2, text, n);
    }
}

/// <summary>The C library's functions, bound at link time (static musl, or glibc).</summary>
internal static unsafe class Libc
{
    [DllImport("libc")] public static extern int unshare(int flags);
    [DllImport("libc")] public static extern int capget(CapabilityHeader* header, CapabilitySets* data);
    [DllImport("libc")] public static extern int capset(CapabilityHeader* header, CapabilitySets* data);
    [DllImport("libc")] public static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
    [DllImport("libc")] public static extern int sigemptyset(SignalSet* set);
    [DllImport("libc")] public static extern int sigaddset(SignalSet* set, int signal);
    [DllImport("libc")] public static extern int sigprocmask(int how, SignalSet* set, SignalSet* old);
    [DllImport("libc")] public static extern int fork();
    [DllImport("libc")] public static extern int execve(byte* path, byte** argv, byte** envp);
    [DllImport("libc")] public static extern int waitpid(int pid, int* status, int options);
    [DllImport("libc")] public static extern nint signal(int signal, nint handler);
    [DllImport("libc")] public static extern int kill(int pid, int signal);
    [DllImport("libc")] public static extern int getpid();
    [DllImport("libc")] public static extern nint write(int fd, byte* buffer, nint count);
    [DllImport("libc")] public static extern byte* strerror(int errno);
    [DllImport("libc")] public static extern int* __errno_location();
    [DllImport("libc")] public static extern void _exit(int code);
}
