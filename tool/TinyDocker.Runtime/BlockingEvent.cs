namespace TinyDocker.Runtime;

/// <summary>
/// An event that sleeps in the kernel at once. Every wait of the tool is on another process or
/// on a thread in a blocking system call, never on something a few spins would see finish, and
/// a plain ManualResetEventSlim spins first: about 13 sched_yield calls per wait, three waits per
/// run, CPU the process waited for could have had (docs/benchmarks.md).
/// </summary>
internal sealed class BlockingEvent() : ManualResetEventSlim(false, spinCount: 0);
