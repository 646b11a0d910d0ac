using System.Globalization;
using System.Text;
using TinyDocker.Runtime.Security;
using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>
/// Every call docker's default profile refuses, made for real by a static C program in a busybox
/// container: refused as the profile says (EPERM; ENOSYS for clone3 and calls newer than the table),
/// and, with <c>--security-opt seccomp=unconfined</c>, reaching the kernel, whose own answer differs
/// except where it checks a capability the container lacks before anything else.
/// </summary>
public sealed class SeccompProfileTests(BusyboxImage image) : EscapeTestBase(image)
{
    private const int EPERM = 1, ENOSYS = 38;

    /// <summary>Arguments that make each call fail harmlessly, or do nothing, when the kernel gets to see it.</summary>
    private static readonly Dictionary<string, string> Arguments = new()
    {
        ["keyctl"] = "0, -4, 0",              // KEYCTL_GET_KEYRING_ID of the user keyring
        ["setns"] = "-1, 0",
        ["io_uring_setup"] = "1, (long)buf",  // a ring of one entry: the kernel returns a descriptor
        ["io_uring_enter"] = "-1, 0, 0, 0, 0, 0",
        ["io_uring_register"] = "-1, 0, 0, 0",
        ["ptrace"] = "2, 0x7fffffff, 0, 0",   // PTRACE_PEEKDATA of no process
        ["process_vm_readv"] = "0x7fffffff, 0, 0, 0, 0, 0",
        ["process_vm_writev"] = "0x7fffffff, 0, 0, 0, 0, 0",
        ["kcmp"] = "0x7fffffff, 0x7fffffff, 0, 0, 0",
        ["pidfd_getfd"] = "-1, 0, 0",
        ["process_madvise"] = "-1, 0, 0, 0, 0",
        ["quotactl"] = "-1, 0, 0, 0",
        ["quotactl_fd"] = "-1, 0, 0, 0",
        ["syslog"] = "-1, 0, 0",
        ["sysfs"] = "3",                      // the number of filesystem types
        ["mount_setattr"] = "-1, 0, 0, 0, 0",
        ["open_tree"] = "-1, 0, 0",
        ["move_mount"] = "-1, 0, -1, 0, 0",
        ["fspick"] = "-1, 0, 0",
        ["fsconfig"] = "-1, 0, 0, 0, 0",
        ["fsmount"] = "-1, 0, 0",
        ["finit_module"] = "-1, 0, 0",
        ["kexec_file_load"] = "-1, -1, 0, 0, 0",
        ["perf_event_open"] = "0, 0, -1, -1, 0",
        ["open_by_handle_at"] = "-1, 0, 0",
    };

    [ContainerFact]
    public void Each_call_dockers_profile_refuses_is_refused_and_reaches_the_kernel_without_the_filter()
    {
        var arch = SeccompArchs.Current;
        var calls = DockerSeccomp.Refuses.Concat(DockerSeccomp.AlsoRefusedHere).Append("clone3")
            .Where(c => SyscallTable.Number(c, arch) is not null).ToList();
        var probes = calls.Select(c => (c, SyscallTable.Number(c, arch)!.Value, Arguments.GetValueOrDefault(c, c == "clone3" ? "0, 0" : "0, 0, 0, 0, 0, 0")))
            .Append(("past_the_table", SyscallTable.Highest(arch) + 1, "0, 0, 0, 0, 0, 0"))
            .ToList();
        CProgram.CopyInto(Probe(probes), WorkDir, "probe");

        var inside = Results(Busybox("./probe"));
        var off = Results(Busybox("./probe", "--security-opt", "seccomp=unconfined"));

        foreach (var (call, _, _) in probes)
        {
            int expected = call is "clone3" or "past_the_table" ? ENOSYS : EPERM;
            Assert.True(inside[call] == (-1, expected), $"{call}: {inside[call]} with the filter, expected errno {expected}");
        }
        // The kernel's own answer: a ring, a descriptor error, a fault, "no such call"... EPERM only
        // where it checks a capability the container lacks before anything else.
        string[] capabilityFirst =
        [
            "acct", "bpf", "delete_module", "fanotify_init", "finit_module", "fsmount", "fsopen", "fspick",
            "init_module", "kexec_file_load", "kexec_load", "mount", "move_mount", "open_by_handle_at",
            "pivot_root", "reboot", "setdomainname", "sethostname", "settimeofday", "swapoff", "swapon", "syslog",
            "umount2", "userfaultfd", "vhangup",
        ];
        var reached = probes.Select(p => p.Item1).Where(c => !capabilityFirst.Contains(c)).ToList();
        Assert.All(reached, c => Assert.True(off[c] != inside[c], $"{c}: {off[c]} without the filter too"));
        Assert.True(off["io_uring_setup"].Rc >= 0, $"io_uring_setup without the filter: {off["io_uring_setup"]}");
        Assert.True(reached.Count > 40, $"only {reached.Count} calls reach the kernel without the filter");
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void Argument_rules_refuse_namespaces_vsock_alg_and_personalities_and_allow_the_rest()
    {
        const string program = """
            #define _GNU_SOURCE
            #include <errno.h>
            #include <sched.h>
            #include <signal.h>
            #include <stdio.h>
            #include <sys/socket.h>
            #include <sys/syscall.h>
            #include <sys/wait.h>
            #include <unistd.h>
            static void show(const char *what, long rc) {
                printf("%s %ld %d\n", what, rc < 0 ? -1L : 0L, rc < 0 ? errno : 0);
                if (rc > 0 && what[0] == 'c') waitpid((pid_t)rc, 0, 0);
                if (rc == 0 && what[0] == 'c') _exit(0);
            }
            int main(void) {
                show("socket_inet", socket(AF_INET, SOCK_STREAM, 0));
                show("socket_alg", socket(38, SOCK_SEQPACKET, 0));
                show("socket_vsock", socket(40, SOCK_STREAM, 0));
                show("personality_query", syscall(SYS_personality, 0xffffffffUL));
                show("personality_norandom", syscall(SYS_personality, 0x0040000UL));
                show("clone_fork", syscall(SYS_clone, (long)SIGCHLD, 0L, 0L, 0L, 0L));
                show("clone_newuts", syscall(SYS_clone, (long)(CLONE_NEWUTS | SIGCHLD), 0L, 0L, 0L, 0L));
                return 0;
            }
            """;
        CProgram.CopyInto(program, WorkDir, "args");

        var inside = Results(Busybox("./args"));
        Assert.Equal((0, 0), inside["socket_inet"]);
        Assert.Equal((-1, EPERM), inside["socket_alg"]);
        Assert.Equal((-1, EPERM), inside["socket_vsock"]);
        Assert.Equal((0, 0), inside["personality_query"]);
        Assert.Equal((-1, EPERM), inside["personality_norandom"]);
        Assert.Equal((0, 0), inside["clone_fork"]);
        Assert.Equal((-1, EPERM), inside["clone_newuts"]);

        // Real: without the filter the kernel makes the socket of the family it has, changes the
        // personality; with CAP_SYS_ADMIN the filter lets the namespace clone through, as docker's does.
        var off = Results(Busybox("./args", "--security-opt", "seccomp=unconfined"));
        Assert.NotEqual((-1, EPERM), off["socket_alg"]);
        Assert.Equal((0, 0), off["personality_norandom"]);
        Assert.Equal((0, 0), Results(Busybox("./args", "--cap-add", "SYS_ADMIN"))["clone_newuts"]);
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void TIOCSTI_and_TIOCLINUX_are_refused_even_with_upper_bits_set_in_the_request()
    {
        // The attack: make a terminal the controlling one, then push a command into its input.
        const string program = """
            #define _GNU_SOURCE
            #include <errno.h>
            #include <fcntl.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/ioctl.h>
            #include <sys/syscall.h>
            #include <termios.h>
            #include <unistd.h>
            static void show(const char *what, long rc) { printf("%s %ld %d\n", what, rc < 0 ? -1L : 0L, rc < 0 ? errno : 0); }
            int main(void) {
                int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY);
                if (master < 0) { perror("ptmx"); return 2; }
                grantpt(master); unlockpt(master);
                setsid();
                int slave = open(ptsname(master), O_RDWR);
                if (slave < 0) { perror("pts"); return 2; }
                ioctl(slave, TIOCSCTTY, 0);
                struct termios raw; tcgetattr(slave, &raw); cfmakeraw(&raw); tcsetattr(slave, TCSANOW, &raw);
                char c = 'x';
                show("tiocsti", ioctl(slave, TIOCSTI, &c));
                show("tiocsti_upper", syscall(SYS_ioctl, slave, 0xffffffff00000000UL | TIOCSTI, &c));
                char sub = 12; /* TIOCL_GETSHIFTSTATE */
                show("tioclinux", ioctl(slave, TIOCLINUX, &sub));
                int n = 0;
                show("tiocinq", ioctl(slave, FIONREAD, &n));
                printf("queued %d\n", n);
                return 0;
            }
            """;
        CProgram.CopyInto(program, WorkDir, "sti");

        var run = Busybox("./sti");
        var inside = Results(run);
        Assert.Equal((-1, EPERM), inside["tiocsti"]);
        Assert.Equal((-1, EPERM), inside["tiocsti_upper"]);
        Assert.Equal((-1, EPERM), inside["tioclinux"]);
        Assert.Equal((0, 0), inside["tiocinq"]);
        Assert.Contains("queued 0\n", run.Stdout, StringComparison.Ordinal);

        // Real: without the filter both pushes land in the terminal's input (the kernel reads the
        // request as 32 bits), and TIOCLINUX reaches the tty layer, which refuses it on a pty.
        var offRun = Busybox("./sti", "--security-opt", "seccomp=unconfined");
        var off = Results(offRun);
        bool legacy = File.ReadAllText("/proc/sys/dev/tty/legacy_tiocsti").Trim() == "1";
        if (legacy)
        {
            Assert.Equal((0, 0), off["tiocsti"]);
            Assert.Equal((0, 0), off["tiocsti_upper"]);
            Assert.Contains("queued 2\n", offRun.Stdout, StringComparison.Ordinal);
        }
        else
        {
            Assert.NotEqual((-1, EPERM), off["tiocsti"]);
        }
        Assert.NotEqual((-1, EPERM), off["tioclinux"]);
        Host.AssertUntouched();
    }

    /// <summary>A C program that makes each call by number and prints "NAME RC ERRNO" (RC -1 or 0).</summary>
    private static string Probe(IEnumerable<(string Name, int Nr, string Args)> probes)
    {
        var body = new StringBuilder();
        foreach (var (name, nr, args) in probes)
        {
            body.Append(CultureInfo.InvariantCulture, $"    errno = 0; rc = syscall({nr}, {args}); printf(\"{name} %d %d\\n\", rc < 0 ? -1 : 0, rc < 0 ? errno : 0);\n");
        }
        return $$"""
            #define _GNU_SOURCE
            #include <errno.h>
            #include <stdio.h>
            #include <unistd.h>
            static long buf[64];
            int main(void) {
                long rc;
                setvbuf(stdout, 0, _IOLBF, 0);
            {{body}}    return 0;
            }
            """;
    }

    private static Dictionary<string, (int Rc, int Errno)> Results(ToolResult r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .Where(f => f.Length == 3 && f[0] != "queued")
            .ToDictionary(f => f[0], f => (int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture)));
    }
}
