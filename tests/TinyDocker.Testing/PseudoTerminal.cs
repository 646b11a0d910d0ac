using System.Text.Json;

namespace TinyDocker.Testing;

/// <summary>
/// Runs a program on a real pseudo-terminal, as a user at a terminal would (python3's pty
/// module, from scripts/install-deps.sh): the program is a session leader whose controlling
/// terminal is the pty's slave; the test types into the master and reads what the terminal shows.
/// Steps run in order: <see cref="Expect"/> waits for text (after what the previous expect
/// matched), <see cref="Send"/> types, <see cref="Resize"/> changes the window size (the
/// foreground process group gets SIGWINCH), <see cref="Pause"/> waits. After the steps everything is read to the end.
/// The result's Stdout is the whole transcript; its ExitCode the program's.
/// </summary>
public static class PseudoTerminal
{
    public sealed record Step(string Kind, string Text = "", int Rows = 0, int Cols = 0);

    public static Step Expect(string text) => new("expect", text);

    public static Step Send(string text) => new("send", text);

    public static Step Resize(int rows, int cols) => new("resize", Rows: rows, Cols: cols);

    /// <summary>Waits <paramref name="ms"/> milliseconds, reading what comes meanwhile.</summary>
    public static Step Pause(int ms) => new("pause", Rows: ms);

    private const string Driver = """
        import fcntl, json, os, pty, select, struct, sys, termios, time
        steps = json.loads(sys.argv[1])
        rows, cols = int(sys.argv[2]), int(sys.argv[3])
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvp(sys.argv[4], sys.argv[4:])
        out, pos = b"", 0
        def more(timeout):
            global out
            r, _, _ = select.select([fd], [], [], timeout)
            if not r:
                return False
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                raise EOFError
            out += data
            return True
        try:
            for s in steps:
                if s["Kind"] == "expect":
                    deadline = time.time() + 60
                    want = s["Text"].encode()
                    while out.find(want, pos) < 0:
                        if time.time() > deadline:
                            raise TimeoutError
                        more(0.1)
                    pos = out.find(want, pos) + len(want)
                elif s["Kind"] == "send":
                    os.write(fd, s["Text"].encode())
                elif s["Kind"] == "pause":
                    end = time.time() + s["Rows"] / 1000.0
                    while time.time() < end:
                        more(max(0, end - time.time()))
                elif s["Kind"] == "resize":
                    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", s["Rows"], s["Cols"], 0, 0))
            deadline = time.time() + 60
            while time.time() < deadline:
                more(0.5)
        except (EOFError, TimeoutError) as e:
            if isinstance(e, TimeoutError):
                sys.stdout.write("[pty: timed out waiting]\n")
        try:
            os.kill(pid, 9) if time.time() > deadline else None
        except Exception:
            pass
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(out.decode("utf-8", "replace"))
        sys.exit(os.waitstatus_to_exitcode(status) & 0xff)
        """;

    /// <summary>Runs <paramref name="argv"/> on a new pty of <paramref name="rows"/> x <paramref name="cols"/>.</summary>
    public static ToolResult Run(IReadOnlyList<string> argv, IEnumerable<Step> steps, IDictionary<string, string>? environment = null,
        string? workingDirectory = null, int rows = 24, int cols = 80)
        => Shell.Run("python3", ["-c", Driver, JsonSerializer.Serialize(steps.ToList()), rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            cols.ToString(System.Globalization.CultureInfo.InvariantCulture), .. argv], workingDirectory, environment, TimeSpan.FromMinutes(3));
}
