using System.Diagnostics;
using System.Text.Json;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>What a CI job needs around its tests: files in and out, users, limits, timeouts, status.</summary>
public sealed class RunOptionsTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();
    private readonly string _work = Directory.CreateTempSubdirectory("tinydocker-opts-").FullName;

    public RunOptionsTests(BusyboxImage image) => _image = image;

    private ToolResult Run(params string[] args) => _tool.Run(["run", "--image", _image.Dir, .. args]);

    [ContainerFact]
    public void A_read_only_volume_cannot_be_written_even_in_a_submount_and_a_rw_one_can()
    {
        string data = Directory.CreateDirectory(Path.Combine(_work, "data")).FullName;
        string sub = Directory.CreateDirectory(Path.Combine(data, "sub")).FullName;
        File.WriteAllText(Path.Combine(data, "in"), "input\n");
        Process.Start("mount", ["-t", "tmpfs", "tmpfs", sub])!.WaitForExit();
        try
        {
            var ro = Run("-v", $"{data}:/data:ro", "vol-ro", "sh", "-c", "cat /data/in; touch /data/x 2>&1; touch /data/sub/y 2>&1; true");
            var rw = Run("-v", $"{data}:/data", "-v", $"{data}/in:/etc/in-file:ro", "vol-rw", "sh", "-c", "echo out > /data/out; cat /etc/in-file");

            Assert.StartsWith("input\n", ro.Stdout, StringComparison.Ordinal);
            Assert.Equal(2, ro.Stdout.Split("Read-only file system").Length - 1);
            Assert.Equal("input\n", rw.Stdout);
            Assert.Equal("out\n", File.ReadAllText(Path.Combine(data, "out")));
            Assert.False(File.Exists(Path.Combine(data, "x")));
        }
        finally
        {
            Process.Start("umount", [sub])!.WaitForExit();
        }
    }

    [ContainerFact]
    public void Tmpfs_and_a_read_only_root()
    {
        var r = Run("--read-only", "--tmpfs", "/cache:size=1m", "ro-root", "sh", "-c",
            "touch /etc/x 2>&1; echo ok > /tmp/a && echo ok > /cache/b && echo ok > /dev/shm/c && cat /tmp/a /cache/b /dev/shm/c; grep ' /cache ' /proc/mounts");

        Assert.Contains("Read-only file system", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("ok\nok\nok\n", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("size=1024k", r.Stdout, StringComparison.Ordinal);
    }

    public static TheoryData<string, int> CopyOutCases => new()
    {
        { "exit 0", 0 },
        { "exit 1", 1 },
        { "kill -9 $$", 137 },
        { "sleep 30", 124 },
    };

    [ContainerTheory]
    [MemberData(nameof(CopyOutCases))]
    public void Results_are_copied_out_however_the_command_ends(string ending, int expected)
    {
        string results = Path.Combine(_work, "results");

        // 5s, not 1s: the timeout counts from the init's start, and on a loaded machine (a full
        // suite on two cores) a busybox command alone took more than a second to get going.
        var psi = _tool.StartInfo(["run", "--image", _image.Dir, "--timeout", "5s", "--stop-timeout", "1s", "--copy-out", $"/work/results:{results}", "copy", "sh", "-c",
            $"mkdir -p /work/results/deep && echo pass > /work/results/summary && echo x > /work/results/deep/y && ln -s /etc/shadow /work/results/link && {ending}"]);
        psi.Environment["SUDO_UID"] = "4321"; // as if run by sudo: the copies belong to the user who ran it
        psi.Environment["SUDO_GID"] = "4322";
        using var p = Process.Start(psi)!;
        var r = new ToolResult(0, p.StandardOutput.ReadToEnd(), p.StandardError.ReadToEnd());
        p.WaitForExit();
        r = r with { ExitCode = p.ExitCode };

        Assert.True(r.ExitCode == expected, r.ToString());
        Assert.Equal("pass\n", File.ReadAllText(Path.Combine(results, "summary")));
        Assert.Equal("x\n", File.ReadAllText(Path.Combine(results, "deep", "y")));
        Assert.Equal("/etc/shadow", new FileInfo(Path.Combine(results, "link")).LinkTarget); // copied as a link, not followed
        var owner = Shell.Run("stat", ["-c", "%u:%g", Path.Combine(results, "deep", "y")]);
        // Rootless the copies stay the invoking user's: only root may give files to sudo's user.
        Assert.Equal(Containers.Rootless ? Shell.Run("id", ["-u"]).Stdout.Trim() + ":" + Shell.Run("id", ["-g"]).Stdout.Trim() + "\n" : "4321:4322\n", owner.Stdout);
    }

    [ContainerFact]
    public void A_copy_out_through_a_symlink_cannot_read_host_files()
    {
        string dest = Path.Combine(_work, "stolen");

        var r = Run("--copy-out", $"/evil:{dest}", "copy-evil", "sh", "-c", "ln -s /etc/shadow /evil");

        Assert.Equal(0, r.ExitCode);
        Assert.False(File.Exists(dest) && File.ReadAllText(dest).Contains("root:", StringComparison.Ordinal));
    }

    [ContainerFact]
    public void A_timeout_stops_a_command_that_ignores_sigterm_and_kills_setsid_sleepers()
    {
        string marker = $"{Random.Shared.Next(100_000, 999_999)}.5";
        var sw = Stopwatch.StartNew();

        var r = Run("--timeout", "1s", "--stop-timeout", "1s", "timeout", "sh", "-c",
            $"trap '' TERM; setsid sleep {marker} & (sleep {marker} &) ; sleep {marker}");

        Assert.Equal(124, r.ExitCode);
        Assert.Equal("tinydocker: container `timeout` timed out after 1s and was stopped\n", r.Stderr);
        Assert.InRange(sw.Elapsed.TotalSeconds, 1.9, 10);
        Assert.Empty(Machine.ProcessesWith($"sleep {marker}"));
    }

    [RootFact("cgroup limits need cgroup delegation, which this machine does not give an ordinary user (rootless refuses them)")]
    public void A_memory_hog_is_oom_killed_with_137_and_a_message_naming_the_limit()
    {
        var r = Run("--memory", "64m", "hog", "sh", "-c", "x=$(head -c 300000000 /dev/zero | tr '\\0' a); echo survived");

        Assert.Equal(137, r.ExitCode);
        Assert.DoesNotContain("survived", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("out of memory (memory limit 64m)", r.Stderr, StringComparison.Ordinal);
    }

    [RootFact("cgroup limits need cgroup delegation, which this machine does not give an ordinary user (rootless refuses them)")]
    public void A_fork_bomb_is_stopped_by_the_pids_limit_and_the_host_stays_responsive()
    {
        using var bomb = _tool.Start("run", "--image", _image.Dir, "--pids-limit", "64", "--timeout", "4s", "--stop-timeout", "0", "bomb",
            // sleep is forked before the bomb and waited for by a builtin: once the limit is reached the
            // shell itself needs no fork (it exited 2, "can't fork", under load, before the timeout).
            "sh", "-c", "b() { b | b & }; sleep 10 & b; wait");
        // Drained from the start: every failed fork prints "can't fork", and under load they filled the
        // 64 KiB pipe before the timeout, so the tool blocked on its own closing line and never exited.
        var stdout = bomb.StandardOutput.ReadToEndAsync();
        var stderr = bomb.StandardError.ReadToEndAsync();
        Thread.Sleep(1000);

        var sw = Stopwatch.StartNew();
        using (var probe = Process.Start("true")!)
        {
            probe.WaitForExit();
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"the host took {sw.Elapsed} to start a process");
        Assert.True(bomb.WaitForExit(20_000), "the run did not end within 20 s of its 4 s timeout");
        bomb.WaitForExit(); // the redirected streams are read to their end
        string lastLine = stderr.Result.TrimEnd().Split('\n')[^1];
        // 124: the timeout ended it; 2: its own shell could not fork any more ("can't fork", seen
        // under load). Either way the limit held and the host stayed responsive.
        Assert.True(bomb.ExitCode is 124 or 2, $"exit {bomb.ExitCode}: {lastLine}");
        Assert.Empty(stdout.Result);
        Assert.Empty(_tool.StateEntries());
    }

    [RootFact("its counter-proof makes a setuid-root binary on the host and runs it as uid 1000")]
    public void A_user_cannot_write_root_files_nor_regain_root_through_a_setuid_binary()
    {
        // A real setuid-root binary: on the host, run as uid 1000, it does get euid 0.
        string dir = Directory.CreateDirectory(Path.Combine(_work, "suid")).FullName;
        File.SetUnixFileMode(_work, (UnixFileMode)0b111_101_101);
        string suid = Path.Combine(dir, "suid-id");
        File.Copy("/usr/bin/id", suid);
        File.SetUnixFileMode(suid, (UnixFileMode)0b100_111_101_101);
        var onHost = Process.Start(new ProcessStartInfo("setpriv", ["--reuid=1000", "--regid=1000", "--clear-groups", suid, "-u"]) { RedirectStandardOutput = true })!;
        Assert.Equal("0", onHost.StandardOutput.ReadToEnd().Trim());
        onHost.WaitForExit();

        var r = _tool.Run(["run", "-u", "1000:1000", "user", "sh", "-c",
            $"id -u; id -G; {suid} -u; echo x > /etc/hostname 2>&1; echo x >> /root/.profile 2>&1; true"], workingDirectory: dir);

        var lines = r.Stdout.Split('\n');
        Assert.True(lines.Length > 3, r.ToString());
        Assert.Equal("1000", lines[0]);
        Assert.Equal("1000", lines[1]); // supplementary groups cleared
        Assert.Equal("1000", lines[2]); // no_new_privs: the setuid bit gives nothing
        Assert.Equal(2, (r.Stdout + r.Stderr).Split("Permission denied").Length - 1);
    }

    [ContainerFact]
    public void Workdir_env_file_and_host_network()
    {
        string envFile = Path.Combine(_work, "env");
        File.WriteAllText(envFile, "# comment\nFROM_FILE=1\n\nOVERRIDDEN=file\n");

        var before = Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).ToHashSet();
        var r = Run("-w", "/made/for/you", "--env-file", envFile, "-e", "OVERRIDDEN=flag", "--network", "host", "opts", "sh", "-c",
            "pwd; echo $FROM_FILE $OVERRIDDEN; echo $(ls /sys/class/net)");

        var lines = r.Stdout.Split('\n');
        Assert.Equal("/made/for/you", lines[0]);
        Assert.Equal("1 flag", lines[1]);
        // The host's interfaces (those that stayed through the run: other tests' come and go), not only lo.
        var stayed = before.Intersect(Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName)).OfType<string>().ToList();
        Assert.Contains(stayed, n => n != "lo");
        var seen = lines[2].Trim().Split(' ');
        Assert.True(stayed.All(seen.Contains), $"the host has {string.Join(' ', stayed)}, the container saw {lines[2]}");
    }

    [ContainerFact]
    public void The_json_status_has_a_start_and_an_end_record_with_plausible_figures()
    {
        string status = Path.Combine(_work, "status.json");

        var r = Run(["--json-status", status, .. Containers.IncidentalLimits("--memory", "256m"), "status", "sh", "-c", "head -c 20000000 /dev/urandom | md5sum >/dev/null; exit 7"]);

        Assert.Equal(7, r.ExitCode);
        var records = File.ReadAllLines(status).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["start", "end"], records.Select(x => x.GetProperty("type").GetString()));
        Assert.Equal("status", records[0].GetProperty("name").GetString());
        Assert.True(records[0].GetProperty("pid").GetInt32() > 1);
        Assert.StartsWith("pid:[", records[0].GetProperty("namespaces").GetProperty("pid").GetString(), StringComparison.Ordinal);
        var end = records[1];
        Assert.Equal(7, end.GetProperty("exitCode").GetInt32());
        Assert.False(end.GetProperty("timedOut").GetBoolean());
        Assert.False(end.GetProperty("oomKilled").GetBoolean());
        Assert.InRange(end.GetProperty("wallTimeSeconds").GetDouble(), 0.01, 30);
        Assert.InRange(end.GetProperty("userCpuSeconds").GetDouble() + end.GetProperty("systemCpuSeconds").GetDouble(), 0.01, 30);
        Assert.InRange(end.GetProperty("peakMemoryBytes").GetInt64(), 100_000, 256L << 20);
    }

    [ContainerFact]
    public void The_json_status_can_go_to_an_inherited_descriptor()
    {
        string status = Path.Combine(_work, "fd-status.json");

        var r = Shell.Run("bash", ["-c", $"exec 5>{status}; \"$0\" run --image {_image.Dir} --json-status /dev/fd/5 status-fd true", TinyTool.Executable],
            environment: new Dictionary<string, string> { ["TINYDOCKER_ROOT"] = _tool.StateRoot });

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(2, File.ReadAllLines(status).Length);
    }

    [ContainerFact]
    public void A_first_ctrl_c_stops_gracefully_and_a_second_kills_at_once()
    {
        using var p = _tool.Start("run", "--image", _image.Dir, "--stop-timeout", "60s", "ctrlc", "sh", "-c",
            "trap 'echo first' INT; echo ready; while true; do sleep 0.05; done");
        Assert.Equal("ready", p.StandardOutput.ReadLine());

        Process.Start("kill", ["-INT", p.Id.ToString()])!.WaitForExit();
        Assert.Equal("first", p.StandardOutput.ReadLine());
        var sw = Stopwatch.StartNew();
        Process.Start("kill", ["-INT", p.Id.ToString()])!.WaitForExit();

        Assert.True(p.WaitForExit(10_000));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(137, p.ExitCode);
        Assert.Empty(_tool.StateEntries());
    }

    public void Dispose()
    {
        Assert.Empty(Cgroups.Named(_tool.CgroupPrefix)); // every run removed its cgroup
        _tool.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
