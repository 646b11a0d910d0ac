// Runs in: the host tool: `run -d` (the client), which starts the detached supervisor — this
// program again, in a session of its own — and returns once the container's command runs.
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// `run -d`'s two processes, drawn once:
/// <code>
///  run -d (client)                          supervisor (__supervise, setsid)
///  ---------------                          --------------------------------
///  SIGINT/SIGTERM handlers (DetachedCancel)
///  validate spec; pidfd of --owner
///  posix_spawn(self, __supervise, SETSID)
///    fd 0, 1: /dev/null; fd 2: messages  -> reads the spec on fd 3 (to EOF)
///    fd 3: spec; fd 4: ready; fd 5: owner   answer thread: reads fd 6 from the start
///    fd 6: answer                           ContainerRunner.Run (the supervisor of any run,
///  spec JSON -> fd 3                          the init's fds 1 and 2 the log's pipes)
///                         <---------------- "started" on fd 4 once the command runs; waits for
///  compare-exchange "detached"                the answer before anything else
///  'D' on fd 6, close ------------------->  taken: fd 2 becomes /dev/null; supervises to the end
///  print NAME, exit 0
///  (EOF on fd 4 instead: the supervisor
///   failed; relay its messages, exit with its code: 125, 126, 127)
///
///  a signal first: compare-exchange
///  "cancelled", close fd 6 -------------->  EOF on fd 6, whenever it comes: the start is stopped
///  wait for the supervisor to exit            (every process killed), nothing kept, not even a
///  exit 128+N (130 SIGINT, 143 SIGTERM)       record; the supervisor exits
/// </code>
/// The two compare-exchanges are on one word (Host/DetachedCancel.cs): a signal that comes as
/// "started" is read cancels the whole start or none of it. A client killed outright (SIGKILL)
/// closes fd 6 as well: a container nobody took is never left running. The supervisor's parent is
/// gone at once: it is tied to no terminal, session or process, only to its owner if one was named
/// (<see cref="OwnerWatch"/>).
/// </summary>
public static class DetachedStart
{
    public const string Verb = "__supervise", WithOwner = "owner";
    public const int SpecFd = 3, ReadyFd = 4, OwnerFd = 5, AnswerFd = 6;
    public const string ReadyLine = "started";

    /// <summary>The client's answer to "started": it took the container.</summary>
    public const byte Detach = (byte)'D';

    /// <summary>
    /// Starts the detached supervisor; once the command runs and the client took it, prints the
    /// name on <paramref name="stdout"/> and returns 0. Otherwise the supervisor's exit code, or
    /// 128+N when signal N cancelled the start (by then nothing of it is left).
    /// </summary>
    public static int Start(ContainerSpec spec, int? ownerPid, TextWriter stdout, TextWriter stderr)
    {
        Sys.CloseOnExecFrom(3);
        var answer = Sys.Pipe();
        // First: from here on a Ctrl-C or SIGTERM cancels the start instead of ending this process halfway.
        using var cancel = new DetachedCancel(answer.Write);
        try
        {
            int code = Spawn(spec, ownerPid, answer.Read, cancel, stderr);
            if (code == 0)
            {
                stdout.WriteLine(spec.Name);
                stdout.Flush();
            }
            return code;
        }
        finally
        {
            Sys.Close(answer.Read);
        }
    }

    private static int Spawn(ContainerSpec spec, int? ownerPid, int answerRead, DetachedCancel cancel, TextWriter stderr)
    {
        SpecValidator.Validate(spec);
        int? owner = null;
        if (ownerPid is { } pid)
        {
            owner = Sys.PidfdOpen(pid) is { } fd ? Sys.Renumber(fd)
                : throw new TinyDockerException($"--owner {pid}: no such process");
        }
        if (cancel.CancelledBy is { } early)
        {
            CloseOwner(owner);
            return ExitCodes.SignalBase + early;
        }
        var specPipe = Sys.Pipe();
        var ready = Sys.Pipe();
        var messages = Sys.Pipe();
        int devNull = Sys.Renumber(Sys.Open("/dev/null", O_RDWR));
        List<(int, int)> fds = [(devNull, 0), (devNull, 1), (messages.Write, 2), (specPipe.Read, SpecFd), (ready.Write, ReadyFd), (answerRead, AnswerFd)];
        if (owner is { } o)
        {
            fds.Add((o, OwnerFd));
        }
        var argv = SelfExe.SupervisorArgv(owner is not null);
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}").ToList();
        int child = Sys.Spawn(argv[0], argv, env, fds, SpawnSession.Detached, out int errno);
        foreach (int fd in new[] { specPipe.Read, ready.Write, messages.Write, devNull })
        {
            Sys.Close(fd);
        }
        CloseOwner(owner);
        if (child < 0)
        {
            Sys.Close(specPipe.Write);
            Sys.Close(ready.Read);
            Sys.Close(messages.Read);
            throw new SyscallException("posix_spawn", argv[0], errno);
        }
        // Read at once: a long reason (the log of a command that failed) must not block the supervisor.
        var relayed = Task.Run(() =>
        {
            using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(messages.Read, ownsHandle: true), FileAccess.Read);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        });
        Sys.WriteAll(specPipe.Write, SpecWire.ToText(spec));
        Sys.Close(specPipe.Write);
        string? line = Sys.ReadLine(ready.Read);
        Sys.Close(ready.Read);
        if (line == ReadyLine && cancel.TryDetach())
        {
            return 0;
        }
        cancel.GiveUp();
        // Cancelled: the supervisor saw EOF on the answer pipe; it exits once everything is gone.
        Sys.Wait(child, out int status);
        string reason = relayed.GetAwaiter().GetResult();
        if (cancel.CancelledBy is { } sig)
        {
            return ExitCodes.SignalBase + sig;
        }
        stderr.Write(reason);
        int code = ExitCodes.FromWaitStatus(status);
        return code == 0 ? ExitCodes.TinyDockerError : code;
    }

    private static void CloseOwner(int? owner)
    {
        if (owner is { } fd)
        {
            Sys.Close(fd);
        }
    }
}

/// <summary>What the detached supervisor adds to a run: the handover with the client, and the owner's pidfd.</summary>
internal sealed record DetachedHooks(DetachedHandover Handover, int? OwnerPidfd);
