// Runs in: every process of the tool (the CLI and supervisor, exec, the init), on whatever thread fails.
using System.Text;

namespace TinyDocker.Runtime;

/// <summary>
/// What happens to an exception nobody caught, on any thread: one line on stderr, the teardown
/// registered so far (kill the init, remove the cgroup and the state directory), exit 125. Never a
/// stack trace, never exit 134. The CLI's top level catches what reaches it on the main thread
/// (and its <c>using</c>s tear down on the way); this is for the threads the tool starts and the
/// runtime's own (signal handlers, timers), whose exceptions would otherwise end the process at once.
/// </summary>
public static class LastChance
{
    private static readonly List<IDisposable> Teardown = [];
    private static int _crashed;

    /// <summary>Installs the handler; call first thing in Main.</summary>
    public static void Install() => AppDomain.CurrentDomain.UnhandledException += (_, e) => Crash(e.ExceptionObject as Exception);

    /// <summary>
    /// Registers <paramref name="resource"/> for disposal should a thread crash before it is
    /// disposed normally; disposing the returned token unregisters it. Crash teardown runs in
    /// reverse order of registration, as <c>using</c>s unwind.
    /// </summary>
    public static IDisposable OnCrash(IDisposable resource)
    {
        lock (Teardown)
        {
            Teardown.Add(resource);
        }
        return new Registration(resource);
    }

    /// <summary>One line for the user: the message of a TinyDockerException, else the type and message, escaped.</summary>
    public static string Describe(Exception? e)
        => e switch
        {
            null => "internal error",
            TinyDockerException or IOException or UnauthorizedAccessException => OneLine(e.Message),
            _ => OneLine($"internal error: {e.GetType().Name}: {e.Message}"),
        };

    /// <summary><paramref name="text"/> on one line: control characters (newlines, escapes, NULs) as \n, \t, \xNN.</summary>
    public static string OneLine(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\0', '\x1f') < 0 && text.AsSpan().IndexOfAnyInRange('\x7f', '\x9f') < 0)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>The handler itself, for threads the runtime did not start (Sys.StartThread).</summary>
    internal static void Crash(Exception? e)
    {
        if (Interlocked.Exchange(ref _crashed, 1) != 0)
        {
            Thread.Sleep(Timeout.Infinite); // a second crashing thread waits for the first to exit
        }
        try
        {
            // Straight to fd 2, as the init writes its errors: System.Console loads an assembly on
            // its first write, which a JIT-compiled init cannot do after pivot_root.
            Interop.Sys.WriteAll(2, $"tinydocker: {Describe(e)}\n");
        }
        catch (Exception)
        {
            // stderr is gone: the exit code still says it.
        }
        IDisposable[] resources;
        lock (Teardown)
        {
            resources = [.. Teardown];
        }
        for (int i = resources.Length - 1; i >= 0; i--)
        {
            try
            {
                resources[i].Dispose();
            }
            catch (Exception)
            {
                // Best effort: the next resource (the state directory) still goes.
            }
        }
        Environment.Exit(ExitCodes.TinyDockerError);
    }

    private sealed class Registration(IDisposable resource) : IDisposable
    {
        public void Dispose()
        {
            lock (Teardown)
            {
                Teardown.Remove(resource);
            }
        }
    }
}
