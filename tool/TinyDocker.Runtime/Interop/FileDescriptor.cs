using System.Runtime.InteropServices;

namespace TinyDocker.Runtime.Interop;

/// <summary>An owned file descriptor, closed once when disposed (or finalized).</summary>
internal sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor(int fd)
        : base(-1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    public int Value => (int)handle;

    protected override bool ReleaseHandle() => Tmds.Linux.LibC.close((int)handle) == 0;
}
