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

    /// <summary>The command and its arguments; a first word without a slash is looked up in the container's PATH.</summary>
    public required string[] Command { get; init; }

    /// <summary>The command's whole environment, KEY=VALUE, in order; nothing else from the host leaks in.</summary>
    public required string[] Env { get; init; }

    /// <summary>The directory the command starts in, inside the container.</summary>
    public required string WorkingDir { get; init; }

    /// <summary>A host directory shown copy-on-write at the same path inside (the caller's current directory), or null.</summary>
    public string? SharedDir { get; init; }

    /// <summary>The state root on the host (holds one directory per live container).</summary>
    public required string StateRoot { get; init; }

    /// <summary>This container's state directory on the host.</summary>
    public string StateDir => Path.Combine(StateRoot, Name);

    /// <summary>True when the host's root filesystem is the image.</summary>
    public bool HostRootImage => Layers is ["/"];
}
