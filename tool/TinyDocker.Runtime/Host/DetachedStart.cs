// Runs in: the host tool: `run -d` (the client), which starts the detached supervisor — this
// program again, in a session of its own — and returns once the container's command runs.
using System.Text.Json;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// `run -d`'s two processes, drawn once:
/// <code>
///  run -d (client)                          supervisor (__supervise, setsid)
///  ---------------                          --------------------------------
///  validate spec; pidfd of --owner
///  posix_spawn(self, __supervise, SETSID)
///    fd 0, 1: /dev/null; fd 2: messages  -> reads the spec on fd 3 (to EOF)
///    fd 3: spec; fd 4: ready; fd 5: owner   ContainerRunner.Run (the supervisor of any run,
///  spec JSON -> fd 3                          the init's fds 1 and 2 the log's pipes)
///                         <---------------- "started" on fd 4 once the command runs;
///  print NAME, exit 0                         fd 2 becomes /dev/null; supervises to the end
///  (EOF on fd 4 instead: the supervisor
///   failed; relay its messages, exit with its code: 125, 126, 127)
/// </code>
/// The supervisor's parent is gone at once: it is tied to no terminal, session or process, only
/// to its owner if one was named (<see cref="OwnerWatch"/>).
/// </summary>
public static class DetachedStart
{
    public const string Verb = "__supervise", WithOwner = "owner";
    public const int SpecFd = 3, ReadyFd = 4, OwnerFd = 5;
    public const string ReadyLine = "started";

    /// <summary>Starts the detached supervisor; returns 0 once the command runs, else the supervisor's exit code.</summary>
    public static int Start(ContainerSpec spec, int? ownerPid, TextWriter stderr)
    {
        SpecValidator.Validate(spec);
        int? owner = null;
        if (ownerPid is { } pid)
        {
            owner = Sys.PidfdOpen(pid) is { } fd ? Sys.Renumber(fd)
                : throw new TinyDockerException($"--owner {pid}: no such process");
        }
        Sys.CloseOnExecFrom(3);
        var specPipe = Sys.Pipe();
        var ready = Sys.Pipe();
        var messages = Sys.Pipe();
        int devNull = Sys.Renumber(Sys.Open("/dev/null", O_RDWR));
        List<(int, int)> fds = [(devNull, 0), (devNull, 1), (messages.Write, 2), (specPipe.Read, SpecFd), (ready.Write, ReadyFd)];
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
        if (owner is { } ownerFd)
        {
            Sys.Close(ownerFd);
        }
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
        Sys.WriteAll(specPipe.Write, JsonSerializer.Serialize(spec, SpecJson.Default.ContainerSpec));
        Sys.Close(specPipe.Write);
        string? line = Sys.ReadLine(ready.Read);
        Sys.Close(ready.Read);
        if (line == ReadyLine)
        {
            return 0;
        }
        Sys.Wait(child, out int status);
        stderr.Write(relayed.GetAwaiter().GetResult());
        int code = ExitCodes.FromWaitStatus(status);
        return code == 0 ? ExitCodes.TinyDockerError : code;
    }
}

/// <summary>What the detached supervisor adds to a run: whom to tell that the command started, and the owner's pidfd.</summary>
public sealed record DetachedHooks(Action Started, int? OwnerPidfd);
