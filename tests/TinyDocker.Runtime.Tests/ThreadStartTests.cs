using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Tests;

/// <summary>Sys.StartThread and BlockingEvent: the tool's threads and waits that never spin.</summary>
public sealed class ThreadStartTests
{
    [Fact]
    public void A_started_thread_runs_its_body_apart_in_the_background_under_its_kernel_name()
    {
        using var done = new BlockingEvent();
        string? comm = null;
        bool background = false;
        int managedId = 0;
        Sys.StartThread("tinydocker-namespaces", () =>
        {
            comm = File.ReadAllText("/proc/thread-self/comm").TrimEnd('\n');
            background = Thread.CurrentThread.IsBackground;
            managedId = Environment.CurrentManagedThreadId;
            done.Set();
        });

        Assert.True(done.Wait(TimeSpan.FromSeconds(10)), "the body never ran");
        Assert.Equal("tinydocker-name", comm); // the kernel keeps 15 bytes of a name
        Assert.True(background);
        Assert.NotEqual(Environment.CurrentManagedThreadId, managedId);
    }

    [Fact]
    public void Many_threads_started_at_once_each_run_once()
    {
        int ran = 0;
        using var all = new BlockingEvent();
        for (int i = 0; i < 50; i++)
        {
            Sys.StartThread($"t{i}", () =>
            {
                if (Interlocked.Increment(ref ran) == 50)
                {
                    all.Set();
                }
            });
        }

        Assert.True(all.Wait(TimeSpan.FromSeconds(20)), $"{Volatile.Read(ref ran)} of 50 ran");
        Thread.Sleep(100);
        Assert.Equal(50, Volatile.Read(ref ran));
    }

    [Fact]
    public void A_blocking_event_does_not_spin_before_it_sleeps()
    {
        using var e = new BlockingEvent();
        Assert.Equal(0, e.SpinCount);
        Assert.False(e.Wait(TimeSpan.FromMilliseconds(10)));
        e.Set();
        Assert.True(e.Wait(0));
    }
}
