namespace TinyDocker.Runtime.Cgroups;

/// <summary>
/// A container's cgroup, whatever the hierarchy (v1 controllers, or the v2 unified tree).
/// Created with its limits before the init runs, removed after every process in it has exited.
/// </summary>
internal interface ICgroup : IDisposable
{
    /// <summary>Moves a process (with the threads and children it will have) into the cgroup.</summary>
    void Add(int pid);

    /// <summary>True when the kernel's OOM killer killed a process of this cgroup.</summary>
    bool OomKilled();

    /// <summary>The highest memory use recorded, when the kernel keeps it.</summary>
    long? PeakMemoryBytes();
}
