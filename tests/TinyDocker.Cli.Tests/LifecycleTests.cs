using System.Diagnostics;
using System.Text.Json;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>A container's life and death: reaping, signals, the tool killed, names, many runs; nothing left behind.</summary>
public sealed class LifecycleTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public LifecycleTests(BusyboxImage image) => _image = image;

    private static string Marker() => $"{Random.Shared.Next(100_000, 999_999)}.{Random.Shared.Next(100, 999)}";

    private static void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < timeout, $"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }

    [ContainerFact]
    public void An_interactive_shell_on_a_terminal_works()
    {
        // script(1) gives the tool a pseudo-terminal, as a user's terminal would.
        string command = $"{TinyTool.Executable} run --image {_image.Dir} shell /bin/sh";
        var psi = _tool.StartInfo([]);
        psi.FileName = "script";
        psi.ArgumentList.Clear();
        foreach (var a in new[] { "-qec", command, "/dev/null" })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        p.StandardInput.Write("echo inside-$HOSTNAME\nexit 7\n");
        p.StandardInput.Flush();
        string output = p.StandardOutput.ReadToEnd().Replace("\r", "");
        Assert.True(p.WaitForExit(20_000));

        Assert.Contains("# ", output, StringComparison.Ordinal); // the interactive prompt
        Assert.Contains("\ninside-shell\n", output, StringComparison.Ordinal);
        Assert.Equal(7, p.ExitCode);
    }

    [ContainerFact]
    public void Orphaned_zombies_are_reaped_by_init()
    {
        // The inner shell exits at once; its sleep is orphaned to PID 1 and must not stay a zombie.
        var r = _tool.Run("run", "--image", _image.Dir, "reap", "sh", "-c",
            "sh -c 'sleep 0.2 &'; sleep 1; grep -l '^State:.*Z' /proc/[0-9]*/status | wc -l");

        Assert.Equal("0\n", r.Stdout);
    }

    [ContainerFact]
    public void A_background_process_is_killed_when_the_command_exits()
    {
        string marker = Marker();

        var r = _tool.Run("run", "--image", _image.Dir, "bg", "sh", "-c", $"sleep {marker} & setsid sleep {marker} & echo started");

        Assert.Equal("started\n", r.Stdout);
        Assert.Empty(Machine.ProcessesWith($"sleep {marker}"));
    }

    [ContainerFact]
    public void Signals_to_the_tool_reach_the_command()
    {
        using var p = _tool.Start("run", "--image", _image.Dir, "sig", "sh", "-c", "trap 'echo got-usr1' USR1; trap 'echo got-term; exit 42' TERM; echo ready; while true; do sleep 0.05; done");
        Assert.Equal("ready", p.StandardOutput.ReadLine());

        Process.Start("kill", ["-USR1", p.Id.ToString()])!.WaitForExit();
        Assert.Equal("got-usr1", p.StandardOutput.ReadLine());
        Process.Start("kill", ["-TERM", p.Id.ToString()])!.WaitForExit();
        Assert.Equal("got-term", p.StandardOutput.ReadLine());

        Assert.True(p.WaitForExit(10_000));
        Assert.Equal(42, p.ExitCode);
        Assert.Empty(_tool.StateEntries());
    }

    [ContainerTheory]
    [InlineData("0:0")]
    [InlineData("1000:1000")] // a uid change clears the init's parent-death signal: it outlived the tool
    public void When_the_tool_is_killed_the_container_dies_and_prune_cleans_up(string user)
    {
        string marker = Marker();
        using var p = _tool.Start(["run", "--image", _image.Dir, .. Containers.IncidentalLimits("--memory", "256m", "--pids-limit", "100"), "-u", user, "killed", "sh", "-c", $"echo up; sleep {marker}"]);
        Assert.Equal("up", p.StandardOutput.ReadLine());
        WaitFor(() => Machine.ProcessesWith($"sleep {marker}").Count >= 2, TimeSpan.FromSeconds(5), "the container's sleep");

        p.Kill(); // SIGKILL
        p.WaitForExit();

        WaitFor(() => Machine.ProcessesWith($"sleep {marker}").Count == 0, TimeSpan.FromSeconds(1), "the container to die");
        // Rootful the init dies with the tool (its parent-death signal); rootless it reads EOF on its
        // control pipe, kills the rest and then exits itself, a moment after its processes.
        WaitFor(() => Machine.ProcessesWith($"__init {_tool.StateRoot}/killed/").Count == 0, TimeSpan.FromSeconds(5), "the init to exit");
        Assert.Empty(_tool.LeftMounts());
        var ps = _tool.Run("ps", "-a", "--format", "json");
        Assert.Contains("\"running\": false", ps.Stdout, StringComparison.Ordinal);
        Assert.Equal(!Containers.Rootless, Cgroups.Named(_tool.CgroupPrefix).Any()); // rootless: no cgroup at all
        Assert.Equal("removed killed\n", _tool.Run("prune").Stdout);
        Assert.Empty(_tool.StateEntries());
        Assert.Empty(Cgroups.Named(_tool.CgroupPrefix));
    }

    [ContainerFact]
    public void With_die_with_parent_the_container_goes_when_the_tools_parent_is_killed()
    {
        string marker = Marker();
        // A parent of the tool's own (an MSBuild node or test host, in real use), then killed outright.
        var psi = _tool.StartInfo([]);
        psi.FileName = "bash";
        psi.ArgumentList.Clear();
        foreach (var a in new[] { "-c", $"\"$0\" run --image {_image.Dir} --die-with-parent orphan sh -c 'echo up; sleep {marker}'; echo never", TinyTool.Executable })
        {
            psi.ArgumentList.Add(a);
        }
        using var parent = Process.Start(psi)!;
        Assert.Equal("up", parent.StandardOutput.ReadLine());

        parent.Kill(); // SIGKILL: the tool is orphaned, nothing signals it
        parent.WaitForExit();

        WaitFor(() => Machine.ProcessesWith($"sleep {marker}").Count == 0, TimeSpan.FromSeconds(3), "the orphaned container to be killed");
        WaitFor(() => _tool.StateEntries().Count == 0, TimeSpan.FromSeconds(3), "the orphaned tool to remove its state");
    }

    [ContainerFact]
    public void A_name_in_use_is_refused_and_ps_lists_the_live_container()
    {
        using var first = _tool.Start("run", "--image", _image.Dir, "taken", "sh", "-c", "echo up; sleep 30");
        Assert.Equal("up", first.StandardOutput.ReadLine());

        var second = _tool.Run("run", "--image", _image.Dir, "taken", "true");
        var ps = _tool.Run("ps", "--format", "json");
        var table = _tool.Run("ps");
        var prune = _tool.Run("prune");

        Assert.Equal(125, second.ExitCode);
        Assert.Equal("tinydocker: container name `taken` is already in use by a running container\n", second.Stderr);
        var listed = JsonDocument.Parse(ps.Stdout).RootElement.EnumerateArray().Single();
        Assert.Equal("taken", listed.GetProperty("name").GetString());
        Assert.True(listed.GetProperty("running").GetBoolean());
        Assert.Contains("taken", table.Stdout, StringComparison.Ordinal);
        Assert.Equal("", prune.Stdout); // a live container is never pruned
        first.Kill();
        first.WaitForExit();
    }

    [ContainerFact]
    public void Twenty_containers_in_parallel_all_succeed_and_one_name_twice_at_once_fails_cleanly()
    {
        var distinct = Enumerable.Range(0, 20).AsParallel().WithDegreeOfParallelism(20)
            .Select(i => _tool.Run("run", "--image", _image.Dir, $"par-{i}", "sh", "-c", "hostname"))
            .ToList();
        var same = Enumerable.Range(0, 2).AsParallel().WithDegreeOfParallelism(2)
            .Select(_ => _tool.Run("run", "--image", _image.Dir, "same", "sh", "-c", "sleep 1"))
            .ToList();

        Assert.All(distinct, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"par-{i}\n").Order(), distinct.Select(r => r.Stdout).Order());
        Assert.Equal([0, 125], same.Select(r => r.ExitCode).Order());
        Assert.Contains("already in use", same.Single(r => r.ExitCode == 125).Stderr, StringComparison.Ordinal);
        Assert.Empty(_tool.StateEntries());
    }

    [ContainerFact]
    public void Two_hundred_runs_in_a_row_leave_the_mount_table_and_the_state_root_as_they_were()
    {

        for (int i = 0; i < 200; i++)
        {
            var r = _tool.Run("run", "--image", _image.Dir, $"row-{i % 3}", "sh", "-c", "echo x > /tmp/f && cat /tmp/f");
            Assert.True(r.ExitCode == 0, r.ToString());
        }

        Assert.Empty(_tool.LeftMounts());
        Assert.Empty(_tool.StateEntries());
    }

    [ContainerFact]
    public void A_run_leaves_no_diagnostic_socket_of_its_init_in_the_hosts_tmp()
    {
        // A JIT-compiled init (the framework-dependent build) opened the runtime's diagnostic socket,
        // named for its pid, 1, in the host's /tmp, and removed it after pivot_root, from its own /tmp.
        // No other process on a host is a .NET PID 1 (NativeAOT opens no such socket at all).
        // The tool itself with diagnostics on, as a user runs it: what its init gets is the tool's doing.
        _tool.Environment["DOTNET_EnableDiagnostics"] = "1";
        var since = DateTime.UtcNow.AddSeconds(-1);
        var r = _tool.Run("run", "--image", _image.Dir, "diag", "true");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Empty(new DirectoryInfo("/tmp").EnumerateFileSystemInfos("dotnet-diagnostic-1-*")
            .Where(f => f.LastWriteTimeUtc >= since).Select(f => f.FullName));
    }

    public void Dispose() => _tool.Dispose();
}
