using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>mount, remount and umount: refused by the seccomp filter and the missing CAP_SYS_ADMIN.</summary>
public sealed class MountEscapeTests(BusyboxImage image) : EscapeTestBase(image)
{
    private const string MountTmpfs = "mkdir -p /mnt/x && mount -t tmpfs none /mnt/x && echo MOUNTED";

    [ContainerFact]
    public void Mounting_a_filesystem_is_refused()
    {
        var inside = Busybox(MountTmpfs);

        Assert.DoesNotContain("MOUNTED", inside.Stdout, StringComparison.Ordinal);
        Assert.Contains("permission denied", inside.Stderr, StringComparison.OrdinalIgnoreCase);
        Host.AssertUntouched();

        Assert.Contains("MOUNTED", Busybox(MountTmpfs, "--privileged").Stdout, StringComparison.Ordinal);
        Host.AssertUntouched(); // even privileged, the mount is in the container's own namespace
    }

    [ContainerFact]
    public void Remounting_a_read_only_root_read_write_is_refused()
    {
        const string attempt = "mount -o remount,rw / && touch /written && echo RW";

        var inside = Busybox(attempt, "--read-only");

        Assert.DoesNotContain("RW", inside.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, inside.ExitCode);
        Assert.Contains("RW", Busybox(attempt, "--read-only", "--privileged").Stdout, StringComparison.Ordinal);
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void Unmounting_a_masked_path_is_refused()
    {
        const string attempt = "umount /proc/timer_list && umount /sys/firmware && echo UNMASKED; head -c 64 /proc/timer_list | wc -c";

        var inside = Busybox(attempt);

        Assert.DoesNotContain("UNMASKED", inside.Stdout, StringComparison.Ordinal);
        Assert.Equal("0", inside.Stdout.Trim()); // still /dev/null
        // Real: with CAP_SYS_ADMIN and no filter the masks are still there, and come off.
        var off = Busybox(attempt, "--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined");
        Assert.Contains("UNMASKED", off.Stdout, StringComparison.Ordinal);
        if (!Containers.Rootless)
        {
            // Rootless, the unmasked file is real root's (0400) and reads as nothing anyway.
            Assert.NotEqual("0", off.Stdout.Split('\n')[^2].Trim());
        }
        Host.AssertUntouched();
    }
}
