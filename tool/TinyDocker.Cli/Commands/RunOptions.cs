using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;

namespace TinyDocker.Cli.Commands;

/// <summary>
/// `run`'s options, each declared once (flag, placeholder, help) and read by name in
/// <see cref="RunSpecBuilder"/>; the help lists them in this order.
/// </summary>
internal sealed class RunOptions(CommandLineApplication cmd)
{
    public CommandOption Image { get; } = cmd.Value("--image", "IMAGE", "The read-only image: a root filesystem directory, an image archive (imported on first use) or a stored image name (default: the host's root, every file readable).");
    public CommandOption Platform { get; } = cmd.Value("--platform", "OS/ARCH[/VARIANT]", "The image to take from a multi-architecture archive or layout (default: this machine's, e.g. linux/amd64).");
    public CommandOption Detach { get; } = cmd.Flag("-d|--detach", "Run in the background: returns once the command has started and prints the name; output goes to `logs NAME` (see docs/services.md).");
    public CommandOption Rm { get; } = cmd.Flag("--rm", "With -d: keep no record when it exits (without -d a container is always removed when its command exits).");
    public CommandOption LogOpt { get; } = cmd.Value("--log-opt", "max-size=SIZE", "With -d: the cap of each of the two log files (default 10m: the newest 10-20 MiB of output are kept).", repeatable: true);
    public CommandOption Owner { get; } = cmd.Value("--owner", "PID", "With -d (tinydocker extension): the container ends when process PID does, even by SIGKILL.");
    public CommandOption NoCwd { get; } = cmd.Flag("--no-cwd", "Do not share the current directory; the command starts in the image's WorkingDir or /.");
    public CommandOption Hostname { get; } = cmd.Value("--hostname", "NAME", "Hostname inside the container (default: the container's name).");
    public CommandOption Env { get; } = cmd.Value("-e|--env", "KEY=VALUE", "Set an environment variable (repeatable); KEY alone copies it from the host.", repeatable: true);
    public CommandOption EnvFile { get; } = cmd.Value("--env-file", "FILE", "Read KEY=VALUE lines from a file (repeatable; # starts a comment).", repeatable: true);
    public CommandOption Workdir { get; } = cmd.Value("-w|--workdir", "DIR", "Start the command in DIR inside the container (created if missing; default: the current directory).");
    public CommandOption User { get; } = cmd.Value("-u|--user", "UID[:GID]", "Run the command as UID[:GID] or NAME[:GROUP]; supplementary groups are cleared.");
    public CommandOption Volume { get; } = cmd.Value("-v|--volume", "HOST:CONTAINER[:ro]", "Bind-mount a host file or directory (repeatable; :rw is the default); ro applies to submounts too.", repeatable: true);
    public CommandOption Tmpfs { get; } = cmd.Value("--tmpfs", "PATH[:size=64m,mode=1777]", "Mount a tmpfs at PATH (repeatable).", repeatable: true);
    public CommandOption ReadOnly { get; } = cmd.Flag("--read-only", "Make the root filesystem read-only (except /tmp, /dev/shm, tmpfs mounts and rw volumes).");
    public CommandOption CopyOut { get; } = cmd.Value("--copy-out", "CONTAINER:HOST", "Copy a path out after the command exits, however it exits (repeatable).", repeatable: true);
    public CommandOption Network { get; } = cmd.Value("--network", "none|host|container:NAME", "none (default: a new network namespace with only loopback), host, or container:NAME (join a running container's: 127.0.0.1 reaches its servers).");
    public CommandOption Publish { get; } = cmd.Value("-p|--publish", "[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp]", "Relay a host port (HOSTIP default 127.0.0.1; HOSTPORT 0 picks a free one, see `port`) to 127.0.0.1:CONTAINERPORT in the container (repeatable).", repeatable: true);
    public CommandOption Memory { get; } = cmd.Value("-m|--memory", "SIZE", "Memory limit, e.g. 512m or 1g; exceeding it gets the process OOM-killed (exit 137).");
    public CommandOption MemorySwap { get; } = cmd.Value("--memory-swap", "SIZE", "Memory plus swap limit (needs --memory).");
    public CommandOption PidsLimit { get; } = cmd.Value("--pids-limit", "N", "Most processes and threads at once.");
    public CommandOption Cpus { get; } = cmd.Value("--cpus", "N", "CPU time, in cores (e.g. 0.5).");
    public CommandOption Timeout { get; } = cmd.Value("--timeout", "DURATION", "Stop the container after DURATION (300, 90s, 5m): SIGTERM, then SIGKILL after --stop-timeout; exit 124.");
    public CommandOption StopTimeout { get; } = cmd.Value("--stop-timeout", "DURATION", "Grace between SIGTERM and SIGKILL when stopping (default 10s).");
    public CommandOption KeepUpper { get; } = cmd.Value("--keep-upper", "DIR", "Save the container's upper layer (its writes, whiteouts included) to DIR before it is discarded.");
    public CommandOption DieWithParent { get; } = cmd.Flag("--die-with-parent", "Kill the container (results still copied out, state removed) when the process that started tinydocker goes away.");
    public CommandOption Debug { get; } = cmd.Flag("--debug", "Trace each phase (unshare, mounts, pivot, exec, teardown) on stderr, in ms since the tool started.");
    public CommandOption JsonStatus { get; } = cmd.Value("--json-status", "FILE", "Write a JSON start record and end record (exit, signal, timeout, OOM, times, peak memory) to FILE or /dev/fd/N.");
    public CommandOption CapAdd { get; } = cmd.Value("--cap-add", "CAP", "Add a capability to the default set (NET_ADMIN or CAP_NET_ADMIN; ALL; repeatable).", repeatable: true);
    public CommandOption CapDrop { get; } = cmd.Value("--cap-drop", "CAP", "Drop a capability from the default set (ALL drops every one; repeatable).", repeatable: true);
    public CommandOption Privileged { get; } = cmd.Flag("--privileged", "Every capability, no seccomp filter, no masked /proc paths, writable /sys; the namespaces stay. See docs/security.md.");
    public CommandOption SecurityOpt { get; } = cmd.Value("--security-opt", "seccomp=unconfined", "Run without the seccomp filter (repeatable).", repeatable: true);
    public CommandOption Interactive { get; } = cmd.Flag("-i|--interactive", "With -t, pass stdin on to the terminal (without -t stdin is always passed on).");
    public CommandOption Tty { get; } = cmd.Flag("-t|--tty", "Give the command a pseudo-terminal of the container's own as its controlling terminal (without it, the command has none).");
}
