// Runs in: tinydocker-init after pivot_root; the child's half runs between fork and exec.
using RuntimeFree;

namespace TinyInit;

/// <summary>
/// Starts the command: forked, then in the child a session of its own, no signal held, the
/// confinement the tool's Init/Confinement.cs applies (in its order: no_new_privs, ambient
/// capabilities, bounding set, ids, capabilities, seccomp last), then exec. A failure before the
/// exec comes back over a close-on-exec pipe: "ERRNO" and the step's name; end of file: the exec
/// succeeded, as posix_spawn reports it.
/// </summary>
internal static unsafe class Command
{
    private const uint Privileged = 4, HasUser = 8;
    private const int SECCOMP_MODE_FILTER = 2, MaxCapability = 63;

    public static int Spawn(byte* path, byte** argv, byte** envp, uint flags, ulong capabilities, uint uid, uint gid, byte* seccomp, uint seccompLength)
    {
        int* fds = (int*)Text.Alloc(8);
        if (Libc.pipe2(fds, Libc.O_CLOEXEC) != 0)
        {
            Report.Fail("pipe2", null, Libc.Errno, -1);
        }
        int pid = Libc.fork();
        if (pid < 0)
        {
            Report.Fail("fork", null, Libc.Errno, -1);
        }
        if (pid == 0)
        {
            Libc.close(fds[0]);
            Child(fds[1], path, argv, envp, flags, capabilities, uid, gid, seccomp, seccompLength);
            Libc._exit(Report.CannotExecute);
        }
        Libc.close(fds[1]);
        byte* failure = Text.Alloc(256);
        nint n;
        do
        {
            n = Libc.read(fds[0], failure, 255);
        }
        while (n < 0 && Libc.Errno == Libc.EINTR);
        Libc.close(fds[0]);
        if (n <= 0)
        {
            return pid;
        }
        failure[n] = 0;
        int status;
        Libc.waitpid(pid, &status, 0);
        // "ERRNO WHAT": the step that failed; WHAT "exec": the command could not be executed.
        int errno = 0;
        nint i = 0;
        for (; failure[i] >= '0' && failure[i] <= '9'; i++)
        {
            errno = errno * 10 + (failure[i] - '0');
        }
        byte* what = failure + i + 1;
        if (what[0] == 'e' && what[1] == 'x' && what[2] == 'e' && what[3] == 'c' && what[4] == 0)
        {
            Report.Send("noexec", errno, 0, false);
            Libc._exit(errno == Libc.ENOENT || errno == Libc.ENOTDIR ? Report.NotFound : Report.CannotExecute);
        }
        var line = Line.Start(n + 64);
        line.Add("failed ");
        line.Add(errno);
        line.Add(" -1 - ");
        line.Add(what);
        line.Add("\n");
        line.Send(Report.ReportFd);
        Libc._exit(Report.TinyDockerError);
        return -1;
    }

    private static void Child(int failures, byte* path, byte** argv, byte** envp, uint flags, ulong capabilities, uint uid, uint gid, byte* seccomp, uint seccompLength)
    {
        // A session of its own: the caller's terminal is never the command's controlling terminal.
        Libc.setsid();
        SignalSet none;
        Libc.sigemptyset(&none);
        Libc.sigprocmask(Libc.SIG_SETMASK, &none, null);
        bool privileged = (flags & Privileged) != 0, hasUser = (flags & HasUser) != 0;
        if (!privileged)
        {
            Must(Libc.prctl(Libc.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), failures, "prctl(PR_SET_NO_NEW_PRIVS)");
            Must(Libc.prctl(Libc.PR_CAP_AMBIENT, Libc.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), failures, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
            // The bounding set first (dropping needs CAP_SETPCAP, which capset may remove below).
            for (int cap = 0; cap <= MaxCapability; cap++)
            {
                if ((capabilities & (1UL << cap)) == 0 && Libc.prctl(Libc.PR_CAPBSET_DROP, (ulong)cap, 0, 0, 0) != 0)
                {
                    if (Libc.Errno == Libc.EINVAL)
                    {
                        break; // past the kernel's last capability
                    }
                    Fail(failures, Libc.Errno, "prctl(PR_CAPBSET_DROP)");
                }
            }
        }
        if (hasUser)
        {
            // EPERM only in a rootless container with a single-id map, whose user namespace denies
            // setgroups: the caller's groups stay there, unmapped (nobody).
            if (Libc.setgroups(0, null) != 0 && Libc.Errno != Libc.EPERM)
            {
                Fail(failures, Libc.Errno, "setgroups");
            }
            Must(Libc.setresgid(gid, gid, gid), failures, "setresgid");
            Must(Libc.setresuid(uid, uid, uid), failures, "setresuid");
        }
        if (!privileged)
        {
            ulong keep = hasUser && uid != 0 ? 0 : capabilities;
            // Inheritable stays empty, as in docker since CVE-2022-24769.
            var header = new CapabilityHeader { Version = 0x20080522 };
            CapabilitySets sets;
            sets.Low.Effective = sets.Low.Permitted = (uint)keep;
            sets.High.Effective = sets.High.Permitted = (uint)(keep >> 32);
            sets.Low.Inheritable = sets.High.Inheritable = 0;
            Must(Libc.capset(&header, &sets), failures, "capset");
        }
        if (seccompLength > 0)
        {
            // Last: the filter refuses nothing the steps above need, nor the exec.
            ulong* program = (ulong*)Text.Alloc(16);
            program[0] = seccompLength;
            program[1] = (ulong)seccomp;
            Must(Libc.prctl(Libc.PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (ulong)program, 0, 0), failures, "seccomp(SECCOMP_SET_MODE_FILTER)");
        }
        Libc.execve(path, argv, envp);
        Fail(failures, Libc.Errno, "exec");
    }

    private static void Must(int result, int failures, string what)
    {
        if (result != 0)
        {
            Fail(failures, Libc.Errno, what);
        }
    }

    private static void Fail(int failures, int errno, string what)
    {
        var line = Line.Start(what.Length + 24);
        line.Add(errno);
        line.Add(" ");
        line.Add(what);
        line.Send(failures);
        Libc._exit(Report.CannotExecute);
    }
}
