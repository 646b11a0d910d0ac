using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>/proc and /sys files that read or change the host kernel, cgroups, and device nodes.</summary>
public sealed class KernelInterfaceTests(BusyboxImage image) : EscapeTestBase(image)
{
    [ContainerFact]
    public void Proc_kcore_and_other_kernel_files_read_as_empty()
    {
        const string attempt = "for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do echo \"$f $(head -c 16 $f 2>/dev/null | wc -c)\"; done";

        var inside = Busybox(attempt);
        foreach (var line in inside.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.EndsWith(" 0", line, StringComparison.Ordinal);
        }
        if (Containers.Rootless)
        {
            // Unmasked, these files are real root's and stay unreadable in a user namespace: the
            // counter-proof needs real root.
            Host.AssertUntouched();
            return;
        }
        var off = Busybox(attempt, "--privileged");
        // Real: without the masks the files the host has are readable (this host's kernel may lack kcore).
        foreach (var file in new[] { "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug" }
                     .Where(f => OnHost($"head -c 16 {f} | wc -c").Stdout.Trim() == "16"))
        {
            Assert.Contains($"{file} 16\n", off.Stdout, StringComparison.Ordinal);
        }
        Assert.Contains("/proc/timer_list 16\n", off.Stdout, StringComparison.Ordinal);
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void Proc_sysrq_trigger_cannot_be_opened_for_writing()
    {
        // Opening for append writes nothing: even privileged, no sysrq command is ever sent.
        const string attempt = "if [ -e /proc/sysrq-trigger ]; then : >> /proc/sysrq-trigger && echo WRITABLE; else echo ABSENT; fi";

        var inside = Busybox(attempt);

        Assert.DoesNotContain("WRITABLE", inside.Stdout, StringComparison.Ordinal);
        if (File.Exists("/proc/sysrq-trigger"))
        {
            Assert.Contains("Read-only file system", inside.Stderr, StringComparison.Ordinal);
            Assert.Contains("WRITABLE", Busybox(attempt, "--privileged").Stdout, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("ABSENT", inside.Stdout, StringComparison.Ordinal); // this host's kernel has no sysrq
        }
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void Proc_sys_kernel_is_read_only()
    {
        string before = File.ReadAllText("/proc/sys/kernel/panic");
        const string attempt = "echo 1 > /proc/sys/kernel/panic && echo CHANGED; : >> /proc/sys/kernel/core_pattern && echo OPENED";

        var inside = Busybox(attempt);

        Assert.DoesNotContain("CHANGED", inside.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("OPENED", inside.Stdout, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", inside.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText("/proc/sys/kernel/panic"));
        // Real: privileged, the file opens for writing (nothing is written: the host stays as it is).
        // Rootless even privileged it does not: the file is real root's (the counter-proof needs root).
        if (!Containers.Rootless)
        {
            Assert.Contains("OPENED", Busybox(": >> /proc/sys/kernel/core_pattern && echo OPENED", "--privileged").Stdout, StringComparison.Ordinal);
        }
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void The_cgroup_v1_release_agent_escape_fails()
    {
        // Only a v1 hierarchy's root has one. Not a recursive walk: other runs on this machine make
        // and remove cgroups all the time, and a directory gone mid-walk would fail the test.
        var agents = Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => Path.Combine(h, "release_agent")).Where(File.Exists).ToList();
        var before = agents.ToDictionary(a => a, File.ReadAllText);
        // The classic: a writable release_agent, or a fresh cgroup v1 mount that has one.
        const string attempt = """
            for f in /sys/fs/cgroup/*/release_agent; do [ -e "$f" ] && : >> "$f" && echo "WRITABLE $f"; done
            mkdir -p /mnt/cg && mount -t cgroup -o pids cgroup /mnt/cg && echo MOUNTED
            mkdir /sys/fs/cgroup/pids/escape && echo CREATED
            echo "$(ls /sys/fs/cgroup | wc -l) hierarchies"
            """;

        var inside = Busybox(attempt);

        Assert.DoesNotContain("WRITABLE", inside.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("MOUNTED", inside.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("CREATED", inside.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("0 hierarchies", inside.Stdout, StringComparison.Ordinal); // the cgroups are there, read-only
        Assert.Equal(before, agents.ToDictionary(a => a, File.ReadAllText));
        // Rootless even privileged the release_agent is real root's: the counter-proof needs root.
        if (!Containers.Rootless && agents.Any(a => a.StartsWith("/sys/fs/cgroup/pids/", StringComparison.Ordinal)))
        {
            // Real (on a v1 host whose pids hierarchy root this test runs in): privileged, the
            // release_agent opens for writing. Nothing is written.
            Assert.Contains("WRITABLE", Busybox("for f in /sys/fs/cgroup/*/release_agent; do [ -e \"$f\" ] && : >> \"$f\" && echo \"WRITABLE $f\"; done", "--privileged").Stdout,
                StringComparison.Ordinal);
        }
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void A_device_node_made_for_the_hosts_root_disk_gives_no_access()
    {
        var (major, minor) = Split(FilesystemEscapeTests.HostRootDevice());
        string attempt = $"mknod /disk b {major} {minor} && echo MADE; head -c 512 /disk | wc -c; mknod /zero c 1 5 && head -c 4 /zero | wc -c";

        var inside = Busybox(attempt);

        if (Containers.Rootless)
        {
            // A user namespace's CAP_MKNOD makes no device node at all: the kernel refuses it.
            Assert.Equal(["0"], inside.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("Operation not permitted", inside.Stderr, StringComparison.Ordinal);
            Host.AssertUntouched();
            return; // nor privileged: the counter-proof below needs real root
        }
        Assert.Contains("MADE", inside.Stdout, StringComparison.Ordinal); // CAP_MKNOD is in docker's default set...
        Assert.Equal(["MADE", "0", "0"], inside.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/disk: Permission denied", inside.Stderr, StringComparison.Ordinal); // ...but the root is nodev
        // Real: privileged, device nodes on the root work (a char device here: this machine refuses
        // even its own root to read its disk; where the host can, the disk reads too).
        var off = Busybox(attempt, "--privileged").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("4", off[^1]);
        if (OnHost($"head -c 512 /dev/block/{major}:{minor} | wc -c").Stdout.Trim() == "512")
        {
            Assert.Equal("512", off[1]);
        }
        Host.AssertUntouched();
    }

    [RootFact("the image's device node is made on the host with mknod")]
    public void A_device_node_in_the_image_gives_no_access_with_a_read_only_root_either()
    {
        // --read-only remounted the root with exactly MS_RDONLY, which dropped its nodev: a node an
        // image brings (or an image a container committed) then opened. Now only read-only is added.
        string image = Directory.CreateTempSubdirectory("tinydocker-devnode-image-").FullName;
        try
        {
            BusyboxImage.Build(image);
            Assert.Equal(0, OnHost($"mknod '{image}/zero' c 1 5 && chmod 0666 '{image}/zero'").ExitCode);
            const string attempt = "head -c 4 /zero | wc -c; grep ' / / ' /proc/self/mountinfo";
            ToolResult Run(params string[] options)
                => Tool.Run(["run", "--image", image, .. options, $"dev-{Guid.NewGuid():N}"[..16], "sh", "-c", attempt], workingDirectory: WorkDir);

            foreach (var options in new[] { Array.Empty<string>(), ["--read-only"] })
            {
                var inside = Run(options);
                string[] lines = inside.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal("0", lines[0]);
                Assert.Contains("/zero: Permission denied", inside.Stderr, StringComparison.Ordinal);
                string rootOptions = lines[1].Split(' ')[5];
                Assert.Contains("nodev", rootOptions.Split(','));
                Assert.Equal(options.Length == 0 ? "rw" : "ro", rootOptions.Split(',')[0]);
            }
            // Real: privileged the root is not nodev, and the image's node reads, read-only or not.
            Assert.Equal("4", Run("--read-only", "--privileged").Stdout.Split('\n')[0]);
        }
        finally
        {
            Directory.Delete(image, recursive: true);
        }
        Host.AssertUntouched();
    }

    private static (string Major, string Minor) Split(string device) => (device.Split(':')[0], device.Split(':')[1]);
}
