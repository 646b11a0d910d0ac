using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace TinyDocker.TestAdapter.Interop;

/// <summary>
/// The one native call the adapter makes: a SIGTERM to a tinydocker CLI it started, so the CLI
/// passes it to the container and removes its state (System.Diagnostics.Process can only SIGKILL).
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class Signals
{
    public const int SIGTERM = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when it has already gone.</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
