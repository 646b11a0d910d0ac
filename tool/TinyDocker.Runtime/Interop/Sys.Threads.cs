using System.Runtime.InteropServices;
using System.Text;

namespace TinyDocker.Runtime.Interop;

internal static unsafe partial class Sys
{
    private const int PR_SET_NAME = 15;

    /// <summary>
    /// Runs <paramref name="body"/> on a new background thread made by pthread_create, which the
    /// runtime adopts when it first enters managed code. Not <c>new Thread(...).Start()</c>: that
    /// spins on sched_yield until the new thread has run its start-up, about a thousand calls per
    /// container for the namespace thread on a busy 2-core machine (docs/benchmarks.md), CPU taken
    /// from the very thread it waits for. An exception escaping <paramref name="body"/> goes to
    /// <see cref="LastChance"/>, as one on a managed thread would.
    /// </summary>
    public static void StartThread(string name, Action body)
    {
        var handle = GCHandle.Alloc(new ThreadStart(name, body));
        nuint thread;
        int rc = pthread_create_(&thread, null, &ThreadEntry, GCHandle.ToIntPtr(handle));
        if (rc != 0)
        {
            handle.Free();
            throw new SyscallException("pthread_create", name, rc);
        }
        pthread_detach_(thread);
    }

    [UnmanagedCallersOnly]
    private static nint ThreadEntry(nint argument)
    {
        var handle = GCHandle.FromIntPtr(argument);
        var start = (ThreadStart)handle.Target!;
        handle.Free();
        try
        {
            // The kernel's name for the thread (ps, perf, /proc/PID/task/TID/comm): 15 bytes at most.
            byte* name = stackalloc byte[16];
            int length = Encoding.ASCII.GetBytes(start.Name.AsSpan(0, Math.Min(start.Name.Length, 15)), new Span<byte>(name, 15));
            name[length] = 0;
            prctl_(PR_SET_NAME, (nuint)name, 0, 0, 0);
            start.Body();
        }
        catch (Exception e)
        {
            LastChance.Crash(e);
        }
        return 0;
    }

    private sealed record ThreadStart(string Name, Action Body);

    [LibraryImport(Libc, EntryPoint = "pthread_create")]
    private static partial int pthread_create_(nuint* thread, void* attributes, delegate* unmanaged<nint, nint> start, nint argument);

    [LibraryImport(Libc, EntryPoint = "pthread_detach")]
    private static partial int pthread_detach_(nuint thread);
}
