using TinyDocker.Testing;
using static TinyDocker.Testing.PseudoTerminal;

namespace TinyDocker.Cli.Tests;

/// <summary>-t and -i as docker has them, driven from a real pseudo-terminal as a user types.</summary>
public sealed class TerminalTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public TerminalTests(BusyboxImage image) => _image = image;

    private Dictionary<string, string> Env => new(_tool.Environment) { ["TINYDOCKER_ROOT"] = _tool.StateRoot };

    private ToolResult AtTerminal(string[] args, IEnumerable<Step> steps, int rows = 24, int cols = 80)
        => PseudoTerminal.Run([TinyTool.Executable, .. args], steps, Env, rows: rows, cols: cols);

    private string[] Run(params string[] args) => ["run", "--image", _image.Dir, .. args];

    [ContainerFact]
    public void With_t_the_command_has_a_terminal_of_the_containers_own_and_without_it_none()
    {
        var t = AtTerminal(Run("-t", "tty1", "sh", "-c", "tty; stty size; echo fds: $(ls /proc/self/fd)"), [], rows: 33, cols: 77);
        var none = AtTerminal(Run("tty2", "sh", "-c", "tty; echo $?"), []);

        Assert.True(t.ExitCode == 0, t.ToString());
        Assert.Contains("/dev/pts/0\r\n33 77\r\n", t.Stdout, StringComparison.Ordinal);
        Assert.Contains("fds: 0 1 2 3\r\n", t.Stdout, StringComparison.Ordinal); // the master stays with the init (3 is ls's own)
        Assert.Contains("not a tty\r\n1", none.Stdout, StringComparison.Ordinal);
        Assert.Empty(_tool.StateEntries());
    }

    [ContainerFact]
    public void An_interactive_shell_reads_what_is_typed_and_follows_the_window_size()
    {
        var r = AtTerminal(Run("-it", "tty3", "sh"),
        [
            Expect("# "), Send("echo answer-$((6*7))\r"), Expect("answer-42"),
            Send("read line; echo \"got [$line]\"\r"), Pause(300), Send("typed words\r"), Expect("got [typed words]"),
            Resize(40, 100), Pause(300), Send("stty size\r"), Expect("40 100"),
            Send("exit 3\r"),
        ]);

        Assert.True(r.ExitCode == 3, r.ToString());
    }

    [ContainerFact]
    public void Ctrl_c_and_ctrl_z_reach_the_containers_foreground_process_through_its_terminal()
    {
        var r = AtTerminal(Run("-it", "tty4", "sh"),
        [
            // A shell abandons the rest of a line whose command died of SIGINT: the status comes on the next.
            Expect("# "), Send("sleep 30\r"), Pause(1000), Send("\x03"), Expect("# "), Send("echo after-$?\r"), Expect("after-130"),
            Expect("# "), Send("sleep 31\r"), Pause(1000), Send("\x1a"), Expect("Stopped"),
            // Job control: the stopped job comes back to the foreground and takes the next Ctrl-C.
            Expect("# "), Send("fg\r"), Pause(1000), Send("\x03"), Expect("# "), Send("echo back-$?\r"), Expect("back-130"),
            Expect("# "), Send("exit\r"),
        ]);

        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [ContainerFact]
    public void Exec_t_gives_a_terminal_and_exec_it_an_interactive_shell()
    {
        using var run = _tool.Start(Run("tty5", "sh", "-c", "echo ready; exec sleep 60"));
        try
        {
            Assert.Equal("ready", run.StandardOutput.ReadLine());

            var t = AtTerminal(["exec", "-t", "tty5", "sh", "-c", "tty; stty size; echo fds: $(ls /proc/self/fd)"], [], rows: 21, cols: 61);
            var it = AtTerminal(["exec", "-it", "tty5", "sh"],
            [
                Expect("# "), Send("echo in-$HOSTNAME\r"), Expect("in-tty5"),
                Expect("# "), Send("sleep 30\r"), Pause(1000), Send("\x03"), Expect("# "), Send("echo after-$?\r"), Expect("after-130"),
                Send("exit 4\r"),
            ]);

            Assert.Contains("/dev/pts/", t.Stdout, StringComparison.Ordinal);
            Assert.Contains("21 61", t.Stdout, StringComparison.Ordinal);
            Assert.Contains("fds: 0 1 2 3\r\n", t.Stdout, StringComparison.Ordinal); // nor the helper's master or request pipe
            Assert.True(it.ExitCode == 4, it.ToString());
        }
        finally
        {
            run.Kill();
            run.WaitForExit();
        }
    }

    [ContainerFact]
    public void The_users_terminal_is_restored_after_a_t_run_also_when_the_command_fails()
    {
        string tool = TinyTool.Executable;
        string script = $"a=$(stty -g); {tool} run --image {_image.Dir} -t tty6 true; {tool} run --image {_image.Dir} -it tty7 no-such-command; echo rc=$?; " +
                        "b=$(stty -g); [ \"$a\" = \"$b\" ] && echo RESTORED";

        var r = PseudoTerminal.Run(["sh", "-c", script], [], Env);

        Assert.Contains("rc=127", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("RESTORED", r.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _tool.Dispose();
}
