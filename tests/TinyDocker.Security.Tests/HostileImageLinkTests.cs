using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>
/// An image whose directories are links out of it: every mount target, working directory and file
/// made for a volume is resolved as the container will see it (openat2 RESOLVE_IN_ROOT), so the
/// host directory the links name is never made a target, never written. Each link is real: the
/// host's own mkdir through it lands in that host directory (the counter-proof).
/// </summary>
public sealed class HostileImageLinkTests : IDisposable
{
    private readonly string _image = Directory.CreateTempSubdirectory("tinydocker-hostile-image-").FullName;
    // Stands for the host's /etc; not below /tmp, which a container covers with a tmpfs of its own.
    private readonly string _victim = Directory.CreateDirectory($"/var/tmp/tinydocker-victim-{Guid.NewGuid():N}").FullName;
    private readonly string _volumeDir = Directory.CreateTempSubdirectory("tinydocker-volume-").FullName;
    private readonly TinyTool _tool = new();

    public HostileImageLinkTests()
    {
        BusyboxImage.Build(_image);
        File.CreateSymbolicLink(Path.Combine(_image, "work"), _victim);                          // absolute
        Directory.CreateDirectory(Path.Combine(_image, "a"));
        File.CreateSymbolicLink(Path.Combine(_image, "a", "up"), "../../../../../../.." + _victim);   // climbing
        File.CreateSymbolicLink(Path.Combine(_image, "magic"), "/proc/self/root" + _victim);     // through procfs
        File.WriteAllText(Path.Combine(_volumeDir, "f"), "volume\n");
    }

    [ContainerFact]
    public void Absolute_and_climbing_links_make_every_target_inside_the_container()
    {
        var r = _tool.Run(["run", "--image", _image, "--no-cwd", "-w", "/work/wd", "--tmpfs", "/a/up/t", "-v", $"{_volumeDir}/f:/work/file:ro",
            "-v", $"{_volumeDir}:/a/up/vol:ro", $"hostile-{Guid.NewGuid():N}"[..16],
            "sh", "-c", $"cat /work/file /a/up/vol/f; grep -c ' {_victim}/t ' /proc/self/mountinfo; ls {_victim}"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        // Inside, the links lead where the image says, in the container's own tree.
        Assert.Equal(["volume", "volume", "1", "file", "t", "vol", "wd"], r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_victim));

        // Counter-proof: a path followed on the host, as a naive resolver would, lands in the victim.
        Directory.CreateDirectory(Path.Combine(_image, "work", "wd"));
        Directory.CreateDirectory(Path.Combine(_image, "a", "up", "t"));
        Assert.True(Directory.Exists(Path.Combine(_victim, "wd")) && Directory.Exists(Path.Combine(_victim, "t")));
    }

    [ContainerFact]
    public void A_link_through_proc_self_root_never_reaches_the_hosts_tree()
    {
        var r = _tool.Run(["run", "--image", _image, "--no-cwd", "--tmpfs", "/magic/t", $"hostile-{Guid.NewGuid():N}"[..16], "true"]);

        // The kernel refuses the magic link (RESOLVE_NO_MAGICLINKS): one line, 125. A kernel
        // without openat2 walks it inside the root instead, and the run succeeds.
        Assert.True(r.ExitCode == 125 ? r.Stderr.Contains("`/magic/t`: ELOOP", StringComparison.Ordinal) : r.ExitCode == 0, r.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_victim));
        // Counter-proof: on the host, /proc/self/root is the host's root, so the link names the victim.
        Assert.True(Directory.Exists($"/proc/self/root{_victim}"));
    }

    public void Dispose()
    {
        _tool.Dispose();
        Directory.Delete(_image, recursive: true);
        Directory.Delete(_victim, recursive: true);
        Directory.Delete(_volumeDir, recursive: true);
    }
}
