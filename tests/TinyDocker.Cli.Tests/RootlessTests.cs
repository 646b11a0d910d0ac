using System.Diagnostics;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// The tool run by an ordinary user (made by <see cref="RootlessUser"/>): a user namespace in
/// which the user is root, the same hardening as rootful, the host's root as the default image,
/// exec, limits refused, and nothing left behind.
/// </summary>
public sealed class RootlessTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public RootlessTests(BusyboxImage image) => _image = image;

    private TinyTool As(RootlessUser? user)
    {
        _tool.RunAs = user ?? throw new InvalidOperationException("no rootless user");
        return _tool;
    }

    private ToolResult InImage(RootlessUser? user, string name, string script)
        => As(user).Run("run", "--no-cwd", "--image", _image.Dir, name, "sh", "-c", script);

    [RootlessFact]
    public void With_subordinate_ids_the_user_is_root_inside_a_podman_style_map()
    {
        var user = RootlessUser.WithRanges!;
        var r = InImage(user, "rl-map", "id -u; cat /proc/self/uid_map /proc/self/gid_map");

        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Equal("0", lines[0]);
        Assert.Equal([$"0 {user.Uid} 1", $"1 {RootlessUser.RangeStart} 65536", $"0 {user.Gid} 1", $"1 {RootlessUser.RangeStart} 65536"], lines[1..]);
    }

    [RootlessFact]
    public void A_detached_service_is_published_and_waited_for_rootless()
    {
        var tool = As(RootlessUser.WithRanges);
        var start = tool.Run("run", "-d", "--no-cwd", "--image", _image.Dir, "-p", "0:8080", "rl-svc", "sh", "-c",
            "mkdir -p /www && echo hello-rootless > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www");
        Assert.True(start.ExitCode == 0, start.ToString());
        try
        {
            // The probe joins a network namespace owned by the container's user namespace (nsenter).
            var ready = tool.Run("wait", "--for", "tcp:8080", "--timeout", "20s", "rl-svc");
            Assert.True(ready.ExitCode == 0, ready.ToString());
            // Counter-proof: nothing listens on 8081 in the container, so the same probe times out.
            Assert.Equal(124, tool.Run("wait", "--for", "tcp:8081", "--timeout", "1s", "rl-svc").ExitCode);

            int port = int.Parse(tool.Run("port", "rl-svc", "8080").Stdout.Trim().Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
            using var client = new System.Net.Sockets.TcpClient("127.0.0.1", port);
            using var stream = client.GetStream();
            stream.Write("GET /index.html HTTP/1.0\r\n\r\n"u8);
            Assert.Contains("hello-rootless", new StreamReader(stream).ReadToEnd(), StringComparison.Ordinal);
        }
        finally
        {
            tool.Run("rm", "-f", "rl-svc");
        }
        Assert.Empty(_tool.StateEntries());
    }

    [RootlessFact]
    public void Without_subordinate_ids_only_root_is_mapped_and_another_user_is_refused_with_the_fix()
    {
        var user = RootlessUser.SingleId!;
        var r = InImage(user, "rl-single", "id -u; cat /proc/self/uid_map");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["0", $"0 {user.Uid} 1"], r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));

        var refused = _tool.Run("run", "--no-cwd", "--image", _image.Dir, "--user", "1000", "rl-single2", "id");
        Assert.Equal(125, refused.ExitCode);
        Assert.Contains("/etc/subuid", refused.Stderr, StringComparison.Ordinal);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.Empty(_tool.StateEntries());
    }

    [RootlessFact]
    public void A_map_the_kernel_refuses_fails_the_run_with_one_line_and_leaves_nothing_behind()
    {
        // The tool writes the map while the init starts (Rootless/MapWriter.cs): the failing
        // helpers' words come back, and the first step and its init, already running, must go.
        var r = As(RootlessUser.WithOverlappingRange).Run("run", "--no-cwd", "--image", _image.Dir, "rl-badmap", "true");

        Assert.Equal(125, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("newuidmap", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("uid_map", r.Stderr, StringComparison.Ordinal); // what newuidmap said: its write was refused
        Assert.Empty(Machine.ProcessesWith(_tool.StateRoot));
        Assert.Empty(_tool.StateEntries());
        Assert.Empty(_tool.LeftMounts());
    }

    [RootlessFact]
    public void The_command_is_confined_as_rootful_inside_its_user_namespace()
    {
        var r = InImage(RootlessUser.WithRanges, "rl-conf",
            "grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status; cat /proc/keys 2>&1 | wc -c; echo x > /proc/sys/kernel/hostname 2>&1 && echo wrote; ls /sys/firmware | wc -l");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("CapEff:\t00000000a80425fb", r.Stdout, StringComparison.Ordinal); // docker's default set
        Assert.Contains("CapBnd:\t00000000a80425fb", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("NoNewPrivs:\t1", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Seccomp:\t2", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("wrote", r.Stdout, StringComparison.Ordinal);
        var counts = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Trim().All(char.IsDigit)).ToList();
        Assert.Equal(["0", "0"], counts.Select(c => c.Trim())); // /proc/keys is /dev/null, /sys/firmware an empty tmpfs
    }

    [RootlessFact]
    public void The_unprivileged_users_own_file_is_root_inside_and_roots_files_are_nobody()
    {
        var r = InImage(RootlessUser.WithRanges, "rl-own", "stat -c %u /bin/busybox; touch /tmp/f; stat -c %u /tmp/f");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["65534", "0"], r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the image is root's on the host
    }

    [RootlessFact]
    public void The_hosts_root_is_the_default_image_and_writes_to_it_are_discarded()
    {
        string probe = $"/etc/tinydocker-rootless-{Guid.NewGuid():N}";
        var r = As(RootlessUser.WithRanges).Run("run", "--no-cwd", "rl-host", "sh", "-c",
            $"echo hi > {probe} && cat {probe}; test -x /usr/bin/env && echo env; ls /proc/self/ns/user >/dev/null && echo ns");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hi\nenv\nns\n", r.Stdout);
        Assert.False(File.Exists(probe));
        Assert.Empty(_tool.LeftMounts());
    }

    [RootlessFact]
    public void Exec_joins_the_containers_user_namespace_and_pid_namespace()
    {
        var user = RootlessUser.WithRanges!;
        using var run = As(user).Start("run", "--no-cwd", "--image", _image.Dir, "rl-exec", "sleep", "30");
        WaitRunning("rl-exec");

        var r = _tool.Run("exec", "rl-exec", "sh", "-c", "id -u; cat /proc/self/uid_map | head -1; cat /proc/1/cmdline | tr '\\0' ' '");

        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", lines[0]);
        Assert.Equal($"0 {user.Uid} 1", string.Join(' ', lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Matches("__init|tinydocker-init", lines[2]); // the CLI in init mode, or the separate init beside it
        Assert.Equal(0, _tool.Run("kill", "rl-exec").ExitCode);
        Assert.True(run.WaitForExit(10_000));
        Assert.Equal(137, run.ExitCode);
    }

    [RootlessFact]
    public void Sigkill_of_the_tool_leaves_no_process_mount_or_state_behind()
    {
        using var run = As(RootlessUser.WithRanges).Start("run", "--no-cwd", "--image", _image.Dir, "rl-kill", "sleep", "300");
        WaitRunning("rl-kill");
        int init = int.Parse(File.ReadAllText(Path.Combine(_tool.StateRoot, "rl-kill", "pid")));
        int firstStep = ParentOf(init);

        run.Kill();
        run.WaitForExit();

        Assert.True(WaitGone(init) && WaitGone(firstStep), $"init {init} or its first step {firstStep} outlived the tool");
        Assert.Empty(_tool.LeftMounts());
        Assert.Equal(0, _tool.Run("prune").ExitCode);
        Assert.Empty(_tool.StateEntries());
    }

    [RootlessFact]
    public void Limits_are_refused_with_one_line_saying_why()
    {
        foreach (var option in new[] { new[] { "--memory", "64m" }, ["--pids-limit", "10"], ["--cpus", "1"] })
        {
            var r = As(RootlessUser.WithRanges).Run(["run", "--no-cwd", "--image", _image.Dir, .. option, "rl-limits", "true"]);
            Assert.Equal(125, r.ExitCode);
            Assert.Contains("need a cgroup", r.Stderr, StringComparison.Ordinal);
            Assert.Single(r.Stderr.Trim().Split('\n'));
        }
        Assert.Empty(_tool.StateEntries());
    }

    [RootlessFact]
    public void Timeout_stops_a_rootless_container_without_cgroups()
    {
        var r = As(RootlessUser.WithRanges).Run("run", "--no-cwd", "--image", _image.Dir, "--timeout", "1s", "rl-timeout", "sleep", "30");
        Assert.Equal(124, r.ExitCode);
        Assert.Empty(_tool.StateEntries());
    }

    [RootlessFact]
    public void User_namespaces_off_is_one_line_naming_the_setting_and_the_same_run_works_with_them_on()
    {
        // Set to 0 in an outer user namespace of our own: the machine's setting is never touched.
        string run = $"TINYDOCKER_ROOT={_tool.StateRoot} TINYDOCKER_DATA={_tool.DataRoot} TINYDOCKER_ROOTLESS=1 {TinyTool.Executable} run --no-cwd --image {_image.Dir} rl-off true";
        var off = Shell.Run("/usr/bin/unshare", ["--user", "--map-root-user", "sh", "-c", $"echo 0 > /proc/sys/user/max_user_namespaces && {run}"]);
        Assert.Equal(125, off.ExitCode);
        Assert.Contains("user.max_user_namespaces=0", off.Stderr, StringComparison.Ordinal);
        Assert.Single(off.Stderr.Trim().Split('\n'));

        var on = Shell.Run("/usr/bin/unshare", ["--user", "--map-root-user", "sh", "-c", run]);
        Assert.True(on.ExitCode == 0, on.ToString());
    }

    [RootlessFact]
    public void Users_see_only_their_own_containers_in_their_own_private_places()
    {
        var a = RootlessUser.WithRanges!;
        var b = RootlessUser.SingleId!;
        using var run = Process.Start(a.Wrap(PlainStartInfo("run", "--no-cwd", "--image", _image.Dir, "rl-mine", "sleep", "30")))!;
        try
        {
            string stateRoot = Path.Combine(a.Home, ".local/state/tinydocker");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(Path.Combine(stateRoot, "rl-mine", "pid")) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            Assert.Equal("700", Convert.ToString((int)File.GetUnixFileMode(stateRoot), 8));
            Assert.Contains("rl-mine", RunAs(a, "ps").Stdout, StringComparison.Ordinal);
            var other = RunAs(b, "ps");
            Assert.True(other.ExitCode == 0, other.ToString());
            Assert.DoesNotContain("rl-mine", other.Stdout, StringComparison.Ordinal);
            Assert.Equal(125, RunAs(b, "kill", "rl-mine").ExitCode);
        }
        finally
        {
            RunAs(a, "kill", "rl-mine");
            run.WaitForExit();
        }
    }

    [RootlessFact]
    public void The_init_run_by_hand_in_a_user_namespace_refuses_unless_its_mount_namespace_is_its_own()
    {
        var user = RootlessUser.WithRanges!;
        // A valid spec to start from: what `run` writes.
        using var keep = As(user).Start("run", "--no-cwd", "--image", _image.Dir, "rl-guard", "sleep", "30");
        WaitRunning("rl-guard");
        string spec = Path.Combine(_tool.StateRoot, "rl-guard", "spec.json");
        string copy = Path.Combine(_tool.DataRoot, "spec.json");
        // The command `true`, so that the counter-proof below, once past the guard, ends at once.
        File.WriteAllText(copy, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(spec), "\"command\":\\s*\\[[^\\]]*\\]", "\"command\":[\"true\"]"));
        user.Own(_tool.DataRoot);
        Assert.Equal(0, _tool.Run("kill", "rl-guard").ExitCode);
        keep.WaitForExit();

        // By hand, the go byte on fd 3: a PID namespace of its own but the caller's mount namespace.
        string byHand = $"exec 3<<EOF\nG\nEOF\nexec 4>/dev/null 5>&2; exec /usr/bin/unshare {{0}} --pid --fork --kill-child -- {TinyTool.Executable} __init {copy}";
        var refused = ShellAs(user, string.Format(System.Globalization.CultureInfo.InvariantCulture, byHand, "--map-root-user"));
        Assert.Equal(125, refused.ExitCode);
        Assert.Contains("init refuses to run: its mount namespace was not made in its user namespace", refused.Stderr, StringComparison.Ordinal);

        // Counter-proof: with a mount namespace made in its user namespace the guard lets it go on (to its mounts).
        var own = ShellAs(user, string.Format(System.Globalization.CultureInfo.InvariantCulture, byHand, "--map-root-user --mount"));
        Assert.DoesNotContain("init refuses", own.Stderr, StringComparison.Ordinal);
    }

    private static ProcessStartInfo PlainStartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo(TinyTool.Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }

    private static ToolResult RunAs(RootlessUser user, params string[] args)
        => RunAs(user, PlainStartInfo(args));

    private static ToolResult ShellAs(RootlessUser user, string script)
    {
        var psi = PlainStartInfo("-c", script);
        psi.FileName = "/bin/sh";
        return RunAs(user, psi);
    }

    private static ToolResult RunAs(RootlessUser user, ProcessStartInfo start)
    {
        using var p = Process.Start(user.Wrap(start))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new ToolResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    private void WaitRunning(string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(Path.Combine(_tool.StateRoot, name, "scratch")) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
    }

    private static int ParentOf(int pid)
        => int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("PPid:", StringComparison.Ordinal))[5..].Trim());

    private static bool WaitGone(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
        return !Directory.Exists($"/proc/{pid}");
    }

    public void Dispose() => _tool.Dispose();
}
