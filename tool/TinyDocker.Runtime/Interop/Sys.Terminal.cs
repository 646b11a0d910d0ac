using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Interop;

/// <summary>Pseudo-terminals (a master opened from a devpts's ptmx), window sizes and raw mode.</summary>
internal static unsafe partial class Sys
{
    private const nuint TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, TIOCSPTLCK = 0x40045431, TIOCGPTN = 0x80045430;
    private const int TCSANOW = 0, TermiosSize = 64; // glibc's struct termios is 60 bytes

    [LibraryImport(Libc, EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int tcgetattr_(int fd, byte* termios);

    [LibraryImport(Libc, EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int tcsetattr_(int fd, int action, byte* termios);

    [LibraryImport(Libc, EntryPoint = "cfmakeraw")]
    private static partial void cfmakeraw_(byte* termios);

    /// <summary>
    /// Opens the master of a new pseudo-terminal through <paramref name="ptmx"/> (the devpts
    /// instance that ptmx belongs to holds the slave) and unlocks it; returns the master and the
    /// slave's path.
    /// </summary>
    public static (int Master, string SlavePath) OpenPtyMaster(string ptmx, string ptsDir)
    {
        int master = Open(ptmx, O_RDWR | O_NOCTTY);
        int unlock = 0, number;
        if (ioctl_(master, TIOCSPTLCK, &unlock) < 0 || ioctl_(master, TIOCGPTN, &number) < 0)
        {
            int errno = LastErrno;
            close(master);
            throw new SyscallException("ioctl(TIOCSPTLCK/TIOCGPTN)", ptmx, errno);
        }
        return (master, $"{ptsDir}/{number}");
    }

    /// <summary>The terminal's size as rows and columns, or null when <paramref name="fd"/> is not a terminal.</summary>
    public static (ushort Rows, ushort Cols)? GetWindowSize(int fd)
    {
        ushort* ws = stackalloc ushort[4];
        return ioctl_(fd, TIOCGWINSZ, ws) == 0 ? (ws[0], ws[1]) : null;
    }

    public static void SetWindowSize(int fd, (ushort Rows, ushort Cols) size)
    {
        ushort* ws = stackalloc ushort[4] { size.Rows, size.Cols, 0, 0 };
        ioctl_(fd, TIOCSWINSZ, ws); // a master whose slave is gone refuses; nothing to resize then
    }

    /// <summary>Puts the terminal on <paramref name="fd"/> in raw mode; returns its settings before, for <see cref="RestoreTerminal"/>.</summary>
    public static byte[] MakeRaw(int fd)
    {
        byte[] saved = new byte[TermiosSize];
        byte* raw = stackalloc byte[TermiosSize];
        fixed (byte* s = saved)
        {
            if (tcgetattr_(fd, s) < 0)
            {
                throw new SyscallException("tcgetattr", null, LastErrno);
            }
            Buffer.MemoryCopy(s, raw, TermiosSize, TermiosSize);
        }
        cfmakeraw_(raw);
        if (tcsetattr_(fd, TCSANOW, raw) < 0)
        {
            throw new SyscallException("tcsetattr", null, LastErrno);
        }
        return saved;
    }

    public static void RestoreTerminal(int fd, byte[] saved)
    {
        fixed (byte* s = saved)
        {
            tcsetattr_(fd, TCSANOW, s);
        }
    }

    public static void Fchown(int fd, uint uid, uint gid)
    {
        if (fchown(fd, uid, gid) < 0)
        {
            throw new SyscallException("fchown", null, LastErrno);
        }
    }

    /// <summary>read(2), retried on EINTR; the count, 0 at end of file, or -errno.</summary>
    public static int Read(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                long n = read(fd, p, (size_t)buffer.Length);
                if (n >= 0 || LastErrno != Errno.EINTR)
                {
                    return n >= 0 ? (int)n : -LastErrno;
                }
            }
        }
    }
}
