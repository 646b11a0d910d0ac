// Runs in: tinydocker-init. Its side of the report pipe (Host/InitProtocol.cs in the tool).
namespace TinyInit;

/// <summary>
/// What the init tells the supervisor. A step that fails is reported as
/// "failed ERRNO OP PATH WHAT" (OP: the mount plan's index or -1; PATH: hexadecimal bytes or "-";
/// WHAT: the operation, to the line's end), and the supervisor words it as the tool's own errors
/// are worded; the init then exits 125, as the .NET init does after printing the same message.
/// </summary>
internal static unsafe class Report
{
    public const int ControlFd = 3, ReportFd = 4, StderrFd = 5;
    public const int TinyDockerError = 125, CannotExecute = 126, NotFound = 127;

    public static void Fail(string what, byte* detail, byte* path, int errno, int op)
    {
        var line = Line.Start(64 + (path == null ? 0 : 2 * Text.Length(path)) + (detail == null ? 0 : Text.Length(detail)));
        line.Add("failed ");
        line.Add(errno);
        line.Add(" ");
        line.Add(op);
        line.Add(" ");
        if (path == null)
        {
            line.Add("-");
        }
        else
        {
            line.AddHex(path);
        }
        line.Add(" ");
        line.Add(what);
        if (detail != null)
        {
            line.Add(detail);
        }
        line.Add("\n");
        line.Send(ReportFd);
        Libc._exit(TinyDockerError);
    }

    public static void Fail(string what, byte* path, int errno, int op) => Fail(what, null, path, errno, op);

    /// <summary>"KEYWORD N [M]": the init's pid, the command's start and its exit.</summary>
    public static void Send(string keyword, long first, long second, bool both)
    {
        var line = Line.Start(64);
        line.Add(keyword);
        line.Add(" ");
        line.Add(first);
        if (both)
        {
            line.Add(" ");
            line.Add(second);
        }
        line.Add("\n");
        line.Send(ReportFd);
    }

    /// <summary>A line for whoever runs the init by hand: "tinydocker: TEXT" on stderr, then exit 125.</summary>
    public static void Refuse(string text)
    {
        var line = Line.Start(text.Length + 16);
        line.Add("tinydocker: ");
        line.Add(text);
        line.Add("\n");
        line.Send(2);
        Libc._exit(TinyDockerError);
    }
}
