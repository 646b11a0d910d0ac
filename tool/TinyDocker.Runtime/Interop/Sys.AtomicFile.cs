// Runs in: any host tool process that writes a record another process reads (the state root's
// files, the image store's records).
using System.Text;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Interop;

internal static unsafe partial class Sys
{
    /// <summary>
    /// Makes <paramref name="path"/> hold exactly <paramref name="data"/>, in one step for any reader:
    /// the bytes go to a new file in the same directory, then rename(2) puts it in place, so a reader
    /// sees no file, the previous one or the whole new one, never a part (an empty file included).
    /// The temporary name is random and opened O_EXCL|O_NOFOLLOW: a link planted in the directory is
    /// never followed, and a link at <paramref name="path"/> itself is replaced, not written through.
    /// <paramref name="durable"/>: the file is fsynced before the rename and the directory after, for
    /// a record that must outlive a crash of the machine; without it a crash may lose the newest write.
    /// </summary>
    public static void WriteFileAtomically(string path, ReadOnlySpan<byte> data, uint mode, bool durable = false)
    {
        string dir = Path.GetDirectoryName(path) is { Length: > 0 } d ? d : ".";
        string tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        int fd = Open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
        int failed = 0;
        string op = "";
        try
        {
            if (!WriteAll(fd, data))
            {
                (failed, op) = (LastErrno, "write");
            }
            else if (durable && fsync(fd) != 0)
            {
                (failed, op) = (LastErrno, "fsync");
            }
        }
        finally
        {
            close(fd);
        }
        if (failed == 0 && TryRename(tmp, path) is var renamed and not 0)
        {
            (failed, op) = (renamed, "rename");
        }
        if (failed != 0)
        {
            File.Delete(tmp);
            throw new SyscallException(op, path, failed);
        }
        if (durable)
        {
            int dirFd = Open(dir, O_RDONLY | O_DIRECTORY);
            int rc = fsync(dirFd);
            int errno = LastErrno;
            close(dirFd);
            if (rc != 0)
            {
                throw new SyscallException("fsync", dir, errno);
            }
        }
    }

    public static void WriteFileAtomically(string path, string text, uint mode, bool durable = false)
        => WriteFileAtomically(path, Encoding.UTF8.GetBytes(text), mode, durable);
}
