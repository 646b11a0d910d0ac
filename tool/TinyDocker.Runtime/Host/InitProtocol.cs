namespace TinyDocker.Runtime.Host;

/// <summary>
/// The messages between the supervisor (host tool) and the container's init, drawn once.
///
/// <code>
///  supervisor                                   init (PID 1 of the container)
///  ----------                                   ------------------------------
///  unshare + posix_spawn init -----------------> prctl(PDEATHSIG)
///  (rootless: posix_spawn unshare,
///   which makes the namespaces and forks init)
///                      <----------------------- Report "init HOSTPID" (from the host's /proc/self)
///                                               read spec.json
///  join cgroup; report reader and              signal handlers (a signal now waits for the command)
///  signal handlers; Control 'G' ---------------> (EOF instead: the supervisor died; exit)
///                                               unshare(cgroup); mounts; pivot_root; spawn command
///                      <----------------------- Report "started CMDPID SCRATCHFD"
///  on timeout / stop:  kill(init, SIGTERM)      forwards it to the command
///  grace over:         Control 'K' ------------> kill(-1, SIGKILL): every process but init
///                                               command exits; the rest killed and reaped
///                      <----------------------- Report "exited STATUS" (wait status)
///  copy-out, keep-upper via /proc/INIT/root
///  Control 'X' --------------------------------> exit(code of STATUS)
/// </code>
///
/// Control is a pipe the supervisor writes (fd 3 in init); Report one the init writes (fd 4).
/// With published ports (-p), fd 5 is a SOCK_SEQPACKET socket pair: for each SocketRequest byte
/// the init answers SocketReply with a new TCP socket of the container's network namespace
/// attached (SCM_RIGHTS), which the supervisor connects and relays (Host/PortRelay.cs).
/// SCRATCHFD is the init's descriptor of the container's scratch tmpfs (upper layers): the host
/// reaches the upper layer through /proc/INIT/fd/SCRATCHFD after the old root is gone.
/// Both ends in the init are close-on-exec: the command inherits neither. If the supervisor
/// dies, the parent-death signal kills the init, and with it the whole PID namespace. Rootless,
/// the init's parent is the first step (Rootless/FirstStep.cs), which nothing ties to the supervisor:
/// the init sees the supervisor's death as EOF on Control, kills the namespace
/// and exits, and the first step exits with it (Rootless/FirstStep.cs).
/// </summary>
public static class InitProtocol
{
    public const int ControlFd = 3, ReportFd = 4, PortFd = 6;

    public const byte SocketRequest = (byte)'S', SocketReply = (byte)'s', SocketRefused = (byte)'E';

    /// <summary>
    /// Rootless: the init's stderr as its first step receives it; the first step's own fd 2 is a
    /// pipe the supervisor reads only when the container fails to start (util-linux unshare 2.38, the fallback,
    /// writes a spurious line whenever its child is killed), and the init moves this one to fd 2.
    /// </summary>
    public const int StderrFd = 5;

    public const char Go = 'G', KillAll = 'K', Exit = 'X';

    public const string Started = "started", Exited = "exited", Init = "init";

    public static string InitLine(int hostPid) => $"{Init} {hostPid}\n";

    public static string StartedLine(int commandPid, int scratchFd) => $"{Started} {commandPid} {scratchFd}\n";

    public static string ExitedLine(int waitStatus) => $"{Exited} {waitStatus}\n";
}
