namespace TinyDocker.Runtime.Spec;

/// <summary>
/// Everything a container is, decided on the host side before any namespace exists.
/// Built once (by the CLI), validated, written to the state directory, and read by the
/// container's init; nothing after that reads argv or the host environment.
/// </summary>
public sealed record ContainerSpec
{
    /// <summary>The container's name: also its state directory's name and, by default, its hostname.</summary>
    public required string Name { get; init; }

    /// <summary>The hostname set in the container's UTS namespace.</summary>
    public required string Hostname { get; init; }

    /// <summary>Read-only lower layers of the root overlay, newest first. <c>["/"]</c> is the host's root filesystem.</summary>
    public required string[] Layers { get; init; }

    /// <summary>The stored image the layers are (what `commit` builds on); null for the host's root or a directory image.</summary>
    public string? ImageId { get; init; }

    /// <summary>The command and its arguments; a first word without a slash is looked up in the container's PATH.</summary>
    public required string[] Command { get; init; }

    /// <summary>The command's whole environment, KEY=VALUE, in order; nothing else from the host leaks in.</summary>
    public required string[] Env { get; init; }

    /// <summary>The directory the command starts in, inside the container (created when missing).</summary>
    public required string WorkingDir { get; init; }

    /// <summary>A host directory shown copy-on-write at the same path inside (the caller's current directory), or null.</summary>
    public string? SharedDir { get; init; }

    /// <summary>The state root on the host (holds one directory per live container).</summary>
    public required string StateRoot { get; init; }

    /// <summary>The image store on the host ($TINYDOCKER_DATA), hidden from the container like the state root; null for none.</summary>
    public string? DataRoot { get; init; }

    /// <summary>Host files or directories bind-mounted into the container, in order.</summary>
    public Volume[] Volumes { get; init; } = [];

    /// <summary>Extra tmpfs mounts inside the container.</summary>
    public TmpfsMount[] Tmpfs { get; init; } = [];

    /// <summary>The root filesystem is read-only; /tmp, /dev/shm, tmpfs mounts and rw volumes stay writable.</summary>
    public bool ReadOnlyRoot { get; init; }

    /// <summary>Paths copied from the container to the host after the command exits, however it exits.</summary>
    public CopyOut[] CopyOut { get; init; } = [];

    /// <summary>The user the command runs as; null for root. Supplementary groups are cleared.</summary>
    public UserIds? User { get; init; }

    /// <summary>"none": a new network namespace with only loopback; "host": the host's network; "container:NAME": NAME's.</summary>
    public string Network { get; init; } = NetworkModes.None;

    /// <summary>
    /// -p: host ports relayed by the supervisor to ports on the container's loopback (Host/PortRelay.cs);
    /// empty with the host's network (nothing to relay).
    /// </summary>
    public PortMapping[] Ports { get; init; } = [];

    /// <summary>cgroup limits; all null means no cgroup of its own beyond what status reporting needs.</summary>
    public ResourceLimits Limits { get; init; } = new();

    /// <summary>Stop the container when the command runs longer than this; null for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Between SIGTERM and SIGKILL when the container is stopped.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Stop the container (every process killed; results still copied out, state removed) when the
    /// process that started the tool goes away, as bubblewrap's --die-with-parent. For callers such as
    /// an MSBuild node or a test host that may be killed outright.
    /// </summary>
    public bool DieWithParent { get; init; }

    /// <summary>Where start and end records go as JSON lines (a file, or /dev/fd/N); null for none.</summary>
    public string? JsonStatusPath { get; init; }

    /// <summary>A host directory to save the container's upper layer into before it is discarded; null for none.</summary>
    public string? KeepUpperDir { get; init; }

    /// <summary>
    /// The command's capabilities (names without CAP_, e.g. "CHOWN"): its bounding, permitted and
    /// effective sets; inheritable and ambient are empty. Default: docker's set (Security/Capabilities.cs).
    /// </summary>
    public string[] Capabilities { get; init; } = Security.Capabilities.Default;

    /// <summary>"default": docker's default profile (Security/DefaultSeccompProfile.cs); "unconfined": no filter.</summary>
    public string Seccomp { get; init; } = SeccompModes.Default;

    /// <summary>
    /// Every capability, no seccomp filter, no no_new_privs, no masked or read-only /proc paths,
    /// /sys and cgroups writable, device nodes usable on the root; the namespaces stay.
    /// </summary>
    public bool Privileged { get; init; }

    /// <summary>`--debug`: the Stopwatch timestamp (CLOCK_MONOTONIC) phase times count from; null when off.</summary>
    public long? DebugSince { get; init; }

    /// <summary>-t: the command gets a pseudo-terminal of the container's own devpts as its controlling terminal.</summary>
    public bool Tty { get; init; }

    /// <summary>-i: with -t, the host's stdin is relayed to the pseudo-terminal (without -t stdin is always passed through).</summary>
    public bool Interactive { get; init; }

    /// <summary>-d: a supervisor of its own in the background; stdout and stderr go to its log (docs/services.md).</summary>
    public bool Detached { get; init; }

    /// <summary>--rm with -d: nothing is kept at exit. Without -d nothing ever is.</summary>
    public bool RemoveOnExit { get; init; }

    /// <summary>--log-opt max-size: each of the two log files (the current one and the one before it) is at most this long.</summary>
    public long LogMaxBytes { get; init; } = DefaultLogMaxBytes;

    /// <summary>10 MiB per file, two files: docker's `local` log driver keeps 20 MB in all.</summary>
    public const long DefaultLogMaxBytes = 10L << 20;

    /// <summary>
    /// Rootless: the ids of the user namespace the container gets, in which the caller is root (the
    /// caller is not root, or TINYDOCKER_ROOTLESS=1 asked for it; see docs/rootless.md). Null: rootful.
    /// </summary>
    public Rootless.IdMap? UserNamespace { get; init; }

    /// <summary>True when the container gets a user namespace of its own (<see cref="UserNamespace"/>).</summary>
    public bool Rootless => UserNamespace is not null;

    /// <summary>This container's state directory on the host.</summary>
    public string StateDir => Path.Combine(StateRoot, Name);

    /// <summary>True when the host's root filesystem is the image.</summary>
    public bool HostRootImage => Layers is ["/"];
}

public sealed record Volume(string Source, string Target, bool ReadOnly);

/// <summary>`-p [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp]`: HostPort 0 picks a free port when the listener is made.</summary>
public sealed record PortMapping(string HostIp, int HostPort, int ContainerPort, string Protocol = "tcp");

public sealed record TmpfsMount(string Target, string Options);

public sealed record CopyOut(string ContainerPath, string HostPath);

public sealed record UserIds(uint Uid, uint Gid);

public sealed record ResourceLimits
{
    public long? MemoryBytes { get; init; }
    public long? MemorySwapBytes { get; init; }
    public long? PidsLimit { get; init; }
    public double? Cpus { get; init; }

    public bool Any => MemoryBytes is not null || MemorySwapBytes is not null || PidsLimit is not null || Cpus is not null;
}

public static class SeccompModes
{
    public const string Default = "default", Unconfined = "unconfined";
}

public static class NetworkModes
{
    public const string None = "none", Host = "host", ContainerPrefix = "container:";

    /// <summary>NAME of "container:NAME", else null.</summary>
    public static string? JoinedContainer(string network)
        => network.StartsWith(ContainerPrefix, StringComparison.Ordinal) ? network[ContainerPrefix.Length..] : null;
}
