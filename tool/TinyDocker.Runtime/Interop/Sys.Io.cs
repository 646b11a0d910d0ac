using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Interop;

/// <summary>Plain reads and writes on the protocol pipes (retried on EINTR).</summary>
internal static unsafe partial class Sys
{
    /// <summary>Reads one byte; -1 at end of file (the writer is gone).</summary>
    public static int ReadByte(int fd)
    {
        byte b;
        while (true)
        {
            long n = read(fd, &b, 1);
            if (n == 1)
            {
                return b;
            }
            if (n == 0 || LastErrno != Errno.EINTR)
            {
                return -1;
            }
        }
    }

    /// <summary>Writes all of <paramref name="data"/>; false when the other end is gone.</summary>
    public static bool WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                long n = write(fd, p + done, (size_t)(data.Length - done));
                if (n < 0)
                {
                    if (LastErrno == Errno.EINTR)
                    {
                        continue;
                    }
                    return false;
                }
                done += (int)n;
            }
        }
        return true;
    }

    /// <summary>Writes all of <paramref name="text"/>; false when the reader is gone.</summary>
    public static bool WriteAll(int fd, string text) => WriteAll(fd, Encoding.UTF8.GetBytes(text));

    /// <summary>Reads a line (without its newline); null at end of file.</summary>
    /// <summary>Makes <paramref name="to"/> what <paramref name="from"/> is (not close-on-exec) and closes <paramref name="from"/>.</summary>
    public static void MoveDescriptor(int from, int to)
    {
        if (Tmds.Linux.LibC.dup2(from, to) < 0)
        {
            throw new SyscallException("dup2", null, LastErrno);
        }
        Tmds.Linux.LibC.close(from);
    }

    /// <summary>At most <paramref name="max"/> lines of <paramref name="fd"/>, trimmed, up to its end (a helper's stderr, once it exited).</summary>
    public static List<string> ReadLines(int fd, int max)
    {
        var lines = new List<string>();
        while (lines.Count < max && ReadLine(fd) is { } line)
        {
            lines.Add(line.Trim());
        }
        return lines;
    }

    public static string? ReadLine(int fd)
    {
        var line = new List<byte>();
        while (true)
        {
            int b = ReadByte(fd);
            if (b < 0)
            {
                return line.Count == 0 ? null : Encoding.UTF8.GetString(line.ToArray());
            }
            if (b == '\n')
            {
                return Encoding.UTF8.GetString(line.ToArray());
            }
            line.Add((byte)b);
        }
    }

    public static void SetCloseOnExec(int fd)
    {
        if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
        {
            throw new SyscallException("fcntl(FD_CLOEXEC)", null, LastErrno);
        }
    }
}

internal static unsafe partial class Sys
{
    /// <summary>lstat(2): the mode (type and permissions) and, for a device, its number.</summary>
    public static (uint Mode, ulong Rdev) Lstat(string path)
    {
        stat st;
        byte[] p = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* pp = p)
        {
            if (lstat(pp, &st) != 0)
            {
                throw new SyscallException("lstat", path, LastErrno);
            }
        }
        return ((uint)st.st_mode, (ulong)st.st_rdev);
    }
}
