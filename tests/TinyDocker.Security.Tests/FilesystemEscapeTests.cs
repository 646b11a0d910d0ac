using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>Reaching the host's files from inside: /proc/1/root, /proc/self/cwd, the old root, chroot.</summary>
public sealed class FilesystemEscapeTests(BusyboxImage image) : EscapeTestBase(image)
{
    [ContainerFact]
    public void Writing_a_host_file_through_proc_1_root_fails()
    {
        // PID 1 inside is the container's init; $$ a process of the container too.
        string attempt = $"echo pwned > /proc/1/root{Host.Target}; echo pwned > /proc/1/root{Host.Canary}; echo pwned > /proc/$$/root{Host.Canary}; "
            + "echo exited 0 > /proc/1/fd/4 && echo FDS; : >> /proc/1/mem && echo MEM";

        var inside = HostRoot(["/bin/sh", "-c", attempt]);
        // The init (whose control thread keeps root) is not the command's to inspect, let alone write.
        Assert.Contains("/proc/1/root", inside.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("FDS", inside.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("MEM", inside.Stdout, StringComparison.Ordinal);
        Host.AssertUntouched();

        // Real: on the host, a process's /proc/PID/root is the host's root and the same write lands.
        // (This machine's own PID 1 belongs to its VM agent and is closed even to root; the shell's is not.)
        var onHost = OnHost($"echo pwned > /proc/$$/root{Host.Target}");
        Assert.True(File.Exists(Host.Target), onHost.ToString() + inside);
    }

    [ContainerFact]
    public void Climbing_out_of_proc_self_cwd_stays_in_the_container()
    {
        string up = string.Concat(Enumerable.Repeat("../", 12));
        string attempt = $"echo pwned > /proc/self/cwd/{up}{Host.Target.TrimStart('/')}; cd /proc/self/cwd && cd {up} && echo pwned > .{Host.Target}; ls -d /proc/self/cwd/{up}var/tmp";

        var inside = HostRoot(["/bin/sh", "-c", attempt]);
        Assert.Equal(0, inside.ExitCode); // the paths resolve, but to the container's own files
        Host.AssertUntouched();

        Assert.Equal(0, OnHost(attempt).ExitCode);
        Assert.True(File.Exists(Host.Target));
    }

    [ContainerFact]
    public void The_old_root_is_gone()
    {
        string rootDevice = HostRootDevice();
        var inside = Busybox($"ls -a / /.old /old_root /.pivot_root 2>&1; cat /proc/self/mountinfo; cd /; cd ..; cd ..; echo pwned > .{Host.Target}; echo ok");

        Assert.DoesNotContain($" {rootDevice} ", inside.Stdout, StringComparison.Ordinal); // no mount of the host's root filesystem
        Assert.DoesNotContain(".old\n", inside.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("old_root\n", inside.Stdout, StringComparison.Ordinal);
        Host.AssertUntouched();

        // Real: the host's own mount table does show its root filesystem by that device number.
        Assert.Contains($" {rootDevice} ", File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
    }

    [ContainerFact]
    public void The_chroot_escape_reaches_only_the_containers_root()
    {
        // A name at the root, where a write needs no copy-up: it must land in the container, not on the host.
        string proof = $"/tinydocker-escape-proof-{Guid.NewGuid():N}";
        string program = $"""
            before = os.stat('/')
            os.mkdir('jail')
            os.chroot('jail')
            for _ in range(64):
                os.chdir('..')
            os.chroot('.')
            after = os.stat('/')
            print('escaped to the same root:', (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino), flush=True)
            open('{proof}', 'w').write('pwned')
            print('wrote', open('{proof}').read(), flush=True)
            try:
                open('{Host.Target}', 'w').write('pwned')
            except OSError as e:
                print('target:', e.errno, flush=True)
                raise
            print('escaped to', os.listdir('/var/tmp')[:3], flush=True)
            """;

        var inside = Python(program);
        // SYS_CHROOT is in the default set: the escape "works", and lands in the container's own root.
        Assert.Contains("escaped to the same root: True\nwrote pwned\n", inside.Stdout, StringComparison.Ordinal);
        if (Containers.Rootless)
        {
            // Rootless, /var/tmp is the host's root-owned directory seen through the container's overlay:
            // a file in it needs that directory copied up into the upper layer with its owner, host
            // root, an id the user namespace does not map, so the kernel refuses with EOVERFLOW (the
            // same for any write below a root-owned host directory; docs/rootless.md).
            Assert.Contains("target: 75\n", inside.Stdout, StringComparison.Ordinal);
            Assert.Equal(1, inside.ExitCode);
        }
        else
        {
            Assert.True(inside.ExitCode == 0, inside.ToString());
        }
        Host.AssertUntouched();
        Assert.False(File.Exists(proof), $"{proof} was created on the host");

        // Real: the same program on the host breaks out of its chroot to the host's root. An ordinary
        // user runs it in a user namespace of its own (root there, CAP_SYS_CHROOT in it), still in the
        // host's mount namespace: what stops the escape in the container is its own root, not the capability.
        string asRoot = Containers.Rootless ? "/usr/bin/unshare --user --map-root-user " : "";
        var onHost = OnHost($"{asRoot}/usr/bin/python3 -c \"$(cat <<'EOF'\nimport os\n{program.Replace(proof, Host.Target + ".proof", StringComparison.Ordinal)}\nEOF\n)\"");
        File.Delete(Host.Target + ".proof");
        Assert.Equal(0, onHost.ExitCode);
        Assert.True(File.Exists(Host.Target), onHost.ToString());
    }

    /// <summary>"MAJOR:MINOR" of the host's root filesystem, from its mountinfo.</summary>
    internal static string HostRootDevice()
        => File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).First(f => f[4] == "/")[2];
}
