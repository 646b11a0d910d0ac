using System.Runtime.InteropServices;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>Ctrl+C for one process, by pid.</summary>
internal static partial class Signal
{
    private const int SIGINT = 2;

    public static bool Interrupt(int pid) => Kill(pid, SIGINT) == 0;

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int sig);
}
