namespace TinyDocker.Runtime.Interop;

/// <summary>A failed system call, carrying the operation, the path it acted on and errno.</summary>
public sealed class SyscallException : TinyDockerException
{
    public SyscallException(string operation, string? path, int errno)
        : base(Describe(operation, path, errno), ExitCodes.TinyDockerError)
    {
        Operation = operation;
        Path = path;
        ErrorNumber = errno;
    }

    public string Operation { get; }
    public string? Path { get; }
    public int ErrorNumber { get; }

    private static string Describe(string operation, string? path, int errno)
        => path is null
            ? $"{operation}: {Errno.Name(errno)} ({Errno.Message(errno)})"
            : $"{operation} `{path}`: {Errno.Name(errno)} ({Errno.Message(errno)})";
}
