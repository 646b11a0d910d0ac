using System.Runtime.InteropServices;

namespace TinyDocker.Build;

/// <summary>
/// The one native call of the task: asking the CLI to stop (SIGTERM), which it passes to the
/// container so the command can end cleanly and the CLI can remove its state. Process.Kill only
/// sends SIGKILL, which leaves no time for that.
/// </summary>
internal static partial class Signals
{
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false if it is gone already.</summary>
    public static bool Send(int pid, int signal) => OperatingSystem.IsLinux() && Kill(pid, signal) == 0;
}
