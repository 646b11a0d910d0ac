using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>What a command inside a container can see of the host: its own hostname, PIDs, network and files only.</summary>
public sealed class IsolationTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public IsolationTests(BusyboxImage image) => _image = image;

    private ToolResult InImage(string name, string script) => _tool.Run("run", "--image", _image.Dir, name, "sh", "-c", script);

    [ContainerFact]
    public void The_hostname_is_the_name_or_the_one_given()
    {
        Assert.Equal("iso-host\n", InImage("iso-host", "hostname").Stdout);
        Assert.Equal("other\n", _tool.Run("run", "--image", _image.Dir, "--hostname", "other", "iso-host2", "hostname").Stdout);
        Assert.Equal(Environment.MachineName, File.ReadAllText("/proc/sys/kernel/hostname").Trim());
    }

    [ContainerFact]
    public void The_command_runs_under_pid_1_and_sees_no_host_process()
    {
        var r = InImage("iso-pid", "echo ppid=$PPID; ls -d /proc/[0-9]* | wc -l; tr '\\0' ' ' < /proc/1/cmdline");

        var lines = r.Stdout.Split('\n');
        Assert.Equal("ppid=1", lines[0]);
        Assert.InRange(int.Parse(lines[1].Trim()), 2, 12); // init, its threads are not listed; sh, ls, wc
        Assert.Matches("__init|tinydocker-init", lines[2]); // the CLI in init mode, or the separate init beside it
    }

    [ContainerFact]
    public void Only_loopback_exists_and_it_is_up()
    {
        var r = InImage("iso-net", "ls /sys/class/net; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags");

        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("lo", lines[0]);
        Assert.Equal(1, Convert.ToInt32(lines[2], 16) & 1); // IFF_UP
    }

    [ContainerFact]
    public void No_host_path_outside_the_image_and_the_current_directory_is_reachable()
    {
        string canary = Path.Combine("/var/tmp", $"tinydocker-canary-{Guid.NewGuid():N}");
        File.WriteAllText(canary, "secret");
        try
        {
            var r = InImage("iso-fs", $"cat {canary}; ls /var/tmp; ls /old_root /.old 2>&1; grep -c . /proc/mounts; cat /proc/mounts");

            Assert.DoesNotContain("secret", r.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(" / ext4", r.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("/dev/vda", r.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(canary);
        }
    }

    [ContainerFact]
    public void In_host_root_mode_no_write_survives_on_the_host()
    {
        string name = $"tinydocker-hostwrite-{Guid.NewGuid():N}";
        string cwd = Directory.CreateTempSubdirectory("tinydocker-cwd-").FullName;
        File.WriteAllText(Path.Combine(cwd, "kept"), "original");
        try
        {
            var r = _tool.Run(["run", "iso-hostroot", "sh", "-c",
                $"echo x > /etc/{name} && echo x > /usr/{name} && echo changed > kept && rm -f /etc/hostname && touch new && cat /etc/{name}"],
                workingDirectory: cwd);

            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal("x\n", r.Stdout);
            Assert.False(File.Exists($"/etc/{name}"));
            Assert.False(File.Exists($"/usr/{name}"));
            Assert.True(File.Exists("/etc/hostname") || !File.Exists("/etc/hostname.tinydocker-never"));
            Assert.Equal("original", File.ReadAllText(Path.Combine(cwd, "kept")));
            Assert.False(File.Exists(Path.Combine(cwd, "new")));
        }
        finally
        {
            Directory.Delete(cwd, recursive: true);
        }
    }

    [ContainerFact]
    public void The_environment_is_clean_and_set_by_the_user()
    {
        var psi = _tool.StartInfo(["run", "--image", _image.Dir, "-e", "A=1", "-e", "B=x=y", "-e", "FROM_HOST", "iso-env", "env"]);
        psi.Environment["FROM_HOST"] = "passed";
        psi.Environment["SECRET_TOKEN"] = "must-not-leak";
        using var p = System.Diagnostics.Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();

        var vars = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')[0]).Order().ToList();
        Assert.Subset(new HashSet<string> { "A", "B", "FROM_HOST", "HOME", "HOSTNAME", "PATH", "PWD", "SHLVL", "TERM" }, vars.ToHashSet());
        Assert.Contains("B=x=y", stdout, StringComparison.Ordinal);
        Assert.Contains("FROM_HOST=passed", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("must-not-leak", stdout, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void Stdin_and_the_commands_own_options_pass_through_untouched()
    {
        Assert.Equal("from stdin\n", _tool.Run(["run", "--image", _image.Dir, "iso-stdin", "cat"], stdin: "from stdin\n").Stdout);
        Assert.Equal("a -e b --image x\n", _tool.Run("run", "--image", _image.Dir, "iso-args", "echo", "a", "-e", "b", "--image", "x").Stdout);
    }

    [ContainerFact]
    public void The_current_directory_is_visible_copy_on_write_and_the_command_starts_there()
    {
        string cwd = Directory.CreateTempSubdirectory("tinydocker-cwd-").FullName;
        File.WriteAllText(Path.Combine(cwd, "tests.sh"), "echo suite ran in $(pwd); echo out > result");
        try
        {
            var r = _tool.Run(["run", "--image", _image.Dir, "iso-cwd", "sh", "./tests.sh"], workingDirectory: cwd);

            Assert.Equal($"suite ran in {cwd}\n", r.Stdout);
            Assert.False(File.Exists(Path.Combine(cwd, "result")));
        }
        finally
        {
            Directory.Delete(cwd, recursive: true);
        }
    }

    [ContainerFact]
    public void The_image_tree_is_identical_after_writes_deletes_renames_and_chmods()
    {
        string before = TreeSnapshot.Of(_image.Dir);

        var r = InImage("iso-image", "echo x > /etc/passwd; rm /bin/ls; mv /etc/group /etc/group2; chmod 777 /bin /etc/passwd; mkdir -p /new/dir; ln -s /x /bin/newlink; rm -rf /root");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(before, TreeSnapshot.Of(_image.Dir));
    }

    public void Dispose() => _tool.Dispose();
}
