using System.Runtime.InteropServices;

namespace TinyDocker.Client;

/// <summary>
/// The one native call of both packages: a SIGTERM to a tinydocker CLI they started, so the CLI
/// passes it to the container, copies results out and removes its state (Process.Kill can only
/// SIGKILL, which leaves no time for that).
/// </summary>
internal static partial class Signals
{
    public const int SIGTERM = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when it has already gone (or off Linux).</summary>
    public static bool Send(int pid, int signal) => OperatingSystem.IsLinux() && Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
