// Runs in: the container's init: PID 1 of the new PID namespace, started by the supervisor's
// namespace thread (rootful) or forked by the first step (rootless), as the tool's .NET init is.
using System.Runtime;
using System.Runtime.CompilerServices;
using RuntimeFree;

[module: SkipLocalsInit]

namespace TinyInit;

/// <summary>
/// `tinydocker-init __init SPEC`: the container's init with no runtime (docs/architecture.md,
/// "The init"). It does what the tool's Init/ContainerInit.cs does for a run with no terminal and
/// no published ports, from a plan the tool computed (Init/NativeInitPlan.cs): the tool resolves
/// everything that needs no container (the mount plan, the seccomp program, capabilities, ids,
/// the command's environment and where to look for it), and this applies it: mounts, pivot_root,
/// the command spawned confined, signals forwarded, every process reaped. It speaks the same
/// protocol on the same descriptors (Host/InitProtocol.cs): the plan arrives with the go.
/// One thread: signals and the control pipe are polled together (a signalfd), so it needs none of
/// the .NET init's threads, and it keeps root and every capability itself (only the command is
/// confined, in the child before its exec).
/// </summary>
internal static unsafe class Program
{
    private const uint Rootless = 1, LoopbackUp = 2;
    private const int CLOSE_RANGE_CLOEXEC = 4;

    private static void Main() { }

    [RuntimeExport("main")]
    private static int Start(int argc, byte** argv, byte** envp)
    {
        // First: die with the supervisor's thread; hold every signal (a stop during setup is kept
        // for the command: a signalfd reads it once the command exists).
        Libc.prctl(Libc.PR_SET_PDEATHSIG, Libc.SIGKILL, 0, 0, 0);
        SignalSet all;
        Libc.sigfillset(&all);
        Libc.sigprocmask(Libc.SIG_SETMASK, &all, null);
        Libc.fcntl(Report.ControlFd, Libc.F_SETFD, Libc.FD_CLOEXEC);
        Libc.fcntl(Report.ReportFd, Libc.F_SETFD, Libc.FD_CLOEXEC);
        ReportHostPid();
        // The command must not open /proc/1/mem or /proc/1/fd of its init.
        Libc.prctl(Libc.PR_SET_DUMPABLE, 0, 0, 0, 0);
        // Whatever else the tool inherited without O_CLOEXEC must not reach the command.
        Libc.syscall(Libc.SYS_close_range, 3, 0xFFFFFFFFL, CLOSE_RANGE_CLOEXEC, 0, 0);

        var plan = ReadPlan();
        if (plan.U32() != Plan.Magic)
        {
            Report.Fail("read the plan", null, Libc.EINVAL, -1);
        }
        uint flags = plan.U32();
        ulong capabilities = plan.U64();
        uint uid = plan.U32(), gid = plan.U32();
        byte* hostname = plan.Str(), rootPath = plan.Str(), scratch = plan.Str(), workingDir = plan.Str();
        long since = (long)plan.U64();
        uint signalCount = plan.U32();
        SignalSet forwarded;
        Libc.sigemptyset(&forwarded);
        Libc.sigaddset(&forwarded, Libc.SIGCHLD);
        for (uint i = 0; i < signalCount; i++)
        {
            Libc.sigaddset(&forwarded, (int)plan.U32());
        }
        // Only these stay held (for the signalfd): any other signal is left to the kernel, which drops
        // it for a namespace's PID 1 with no handler when it comes from inside (a held one would queue,
        // real-time ones without bound).
        Libc.sigprocmask(Libc.SIG_SETMASK, &forwarded, null);
        byte* commandPath = plan.Str();
        uint candidateCount = plan.U32();
        byte** candidates = plan.Strings(candidateCount);
        byte** commandArgv = plan.Strings(plan.U32());
        byte** commandEnv = plan.Strings(plan.U32());
        uint seccompLength = plan.U32();
        byte* seccomp = plan.Bytes((nint)seccompLength * 8);
        uint opCount = plan.U32();

        if ((flags & Rootless) != 0)
        {
            // The real stderr (Host/InitProtocol.cs); then the first step's kept capabilities are only
            // what an exec as root gives (Rootless/MapWriter.cs in the tool).
            Libc.dup2(Report.StderrFd, 2);
            Libc.close(Report.StderrFd);
            Libc.prctl(Libc.PR_CAP_AMBIENT, Libc.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
            var header = new CapabilityHeader { Version = 0x20080522 };
            CapabilitySets sets;
            Libc.capget(&header, &sets);
            sets.Low.Inheritable = 0;
            sets.High.Inheritable = 0;
            if (Libc.capset(&header, &sets) != 0)
            {
                Report.Fail("capset", null, Libc.Errno, -1);
            }
        }
        Debug.Mark(since, "init running, go and plan received");
        Guard.Check();
        // The supervisor has put this process in its cgroup: that cgroup becomes the namespace's root.
        if (Libc.unshare(Libc.CLONE_NEWCGROUP) != 0)
        {
            Report.Fail("unshare", null, Libc.Errno, -1);
        }
        Libc.umask(0);
        if (Libc.sethostname(hostname, Text.Length(hostname)) != 0)
        {
            Report.Fail("sethostname", hostname, Libc.Errno, -1);
        }
        if ((flags & LoopbackUp) != 0)
        {
            BringLoopbackUp();
        }
        Debug.Mark(since, "hostname, loopback, cgroup namespace set");

        // Every step up to the pivot, then the command looked up under the new root, then the pivot.
        var root = new Root { Fd = -1 };
        for (int op = 0; op < (int)opCount - 1; op++)
        {
            MountSteps.Apply(ref plan, ref root, rootPath, op);
        }
        Debug.Mark(since, "mount operations applied", opCount - 1);
        byte* executable = commandPath != null ? commandPath : Lookup(rootPath, candidates, candidateCount);
        // Held open for the container's life: the host's only way to its upper layer after the pivot.
        int scratchFd = Libc.open(scratch, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (scratchFd < 0)
        {
            Report.Fail("open", scratch, Libc.Errno, -1);
        }
        MountSteps.Apply(ref plan, ref root, rootPath, (int)opCount - 1);
        Debug.Mark(since, "pivoted, old root detached");
        if (Libc.chdir(workingDir) != 0)
        {
            Report.Fail("chdir", workingDir, Libc.Errno, -1);
        }
        Libc.umask(0b000_010_010);

        int signals = Libc.signalfd(-1, &forwarded, Libc.O_CLOEXEC);
        if (signals < 0)
        {
            Report.Fail("signalfd", null, Libc.Errno, -1);
        }
        int child = Command.Spawn(executable, commandArgv, commandEnv, flags, capabilities, uid, gid, seccomp, seccompLength);
        Debug.Mark(since, "command spawned");
        Report.Send("started", child, scratchFd, true);
        return Reaper.Run(child, signals, since);
    }

    /// <summary>"init HOSTPID": the host's /proc is still mounted, and its "self" names this process by its host pid.</summary>
    private static void ReportHostPid()
    {
        byte* pid = Text.Alloc(32);
        nint n = Libc.readlink(Text.Of("/proc/self"), pid, 31);
        pid[n < 0 ? 0 : n] = 0;
        var line = Line.Start(48);
        line.Add("init ");
        line.Add(n <= 0 ? Text.Of("0") : pid);
        line.Add("\n");
        line.Send(Report.ReportFd);
    }

    /// <summary>The plan's length (4 bytes), the plan, then the go; end of file instead: the supervisor is gone.</summary>
    private static Plan ReadPlan()
    {
        byte* header = Text.Alloc(4);
        if (!ReadFully(Report.ControlFd, header, 4))
        {
            Libc._exit(Report.TinyDockerError);
        }
        nint length = header[0] | header[1] << 8 | header[2] << 16 | (nint)(header[3] & 0x7f) << 24;
        byte* buffer = Text.Alloc(length + 1);
        if (!ReadFully(Report.ControlFd, buffer, length + 1) || buffer[length] != 'G')
        {
            Libc._exit(Report.TinyDockerError);
        }
        return Plan.Over(buffer, length);
    }

    public static bool ReadFully(int fd, byte* buffer, nint count)
    {
        nint done = 0;
        while (done < count)
        {
            nint n = Libc.read(fd, buffer + done, count - done);
            if (n < 0 && Libc.Errno == Libc.EINTR)
            {
                continue;
            }
            if (n <= 0)
            {
                return false;
            }
            done += n;
        }
        return true;
    }

    /// <summary>As execvp, with the container's PATH, each candidate (the tool joined them) looked up under the root.</summary>
    private static byte* Lookup(byte* rootPath, byte** candidates, uint count)
    {
        var root = Root.Open(rootPath, -1);
        byte* notExecutable = null;
        byte* st = Text.Alloc(Libc.StatSize);
        for (uint i = 0; i < count; i++)
        {
            // As execvp: a directory of PATH that is missing, a file or a loop is skipped.
            int fd = root.TryOpen(candidates[i], Libc.O_PATH, 0);
            if (fd < 0)
            {
                continue;
            }
            uint mode = Libc.fstat(fd, st) == 0 ? *(uint*)(st + Libc.StatModeOffset) : 0;
            Libc.close(fd);
            if ((mode & Libc.S_IFMT) == Libc.S_IFDIR)
            {
                continue;
            }
            if ((mode & 0b001_001_001) != 0)
            {
                Libc.close(root.Fd);
                return candidates[i];
            }
            if (notExecutable == null)
            {
                notExecutable = candidates[i];
            }
        }
        Libc.close(root.Fd);
        if (notExecutable == null)
        {
            var line = Line.Start(16);
            line.Add("notfound\n");
            line.Send(Report.ReportFd);
            Libc._exit(Report.NotFound);
        }
        return notExecutable;
    }

    private static void BringLoopbackUp()
    {
        const ulong SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914;
        int sock = Libc.socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */ | Libc.O_CLOEXEC, 0);
        if (sock < 0)
        {
            Report.Fail("socket", null, Libc.Errno, -1);
        }
        byte* ifreq = Text.Alloc(40);
        for (int i = 0; i < 40; i++)
        {
            ifreq[i] = 0;
        }
        ifreq[0] = (byte)'l';
        ifreq[1] = (byte)'o';
        byte* lo = Text.Of("lo");
        if (Libc.ioctl(sock, SIOCGIFFLAGS, ifreq) < 0)
        {
            Report.Fail("ioctl(SIOCGIFFLAGS)", lo, Libc.Errno, -1);
        }
        *(short*)(ifreq + 16) |= 1; // IFF_UP
        if (Libc.ioctl(sock, SIOCSIFFLAGS, ifreq) < 0)
        {
            Report.Fail("ioctl(SIOCSIFFLAGS)", lo, Libc.Errno, -1);
        }
        Libc.close(sock);
    }
}
