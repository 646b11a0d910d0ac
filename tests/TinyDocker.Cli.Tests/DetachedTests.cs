using System.Diagnostics;
using System.Text.Json;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>`run -d` and the verbs of detached containers: ps, logs, exec, diff, stop, wait, rm, prune, --owner.</summary>
public sealed class DetachedTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public DetachedTests(BusyboxImage image) => _image = image;

    private ToolResult Detach(string name, params string[] commandAndOptions)
    {
        int at = Array.IndexOf(commandAndOptions, "--");
        string[] options = at < 0 ? [] : commandAndOptions[..at];
        string[] command = at < 0 ? commandAndOptions : commandAndOptions[(at + 1)..];
        return _tool.Run(["run", "-d", "--image", _image.Dir, "--no-cwd", .. options, name, .. command]);
    }

    private JsonElement Ps(string name)
        => JsonDocument.Parse(_tool.Run("ps", "-a", "--format", "json").Stdout).RootElement.EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == name);

    private string Dir(string name) => Path.Combine(_tool.StateRoot, name);

    private int SupervisorPid(string name) => int.Parse(File.ReadAllText(Path.Combine(Dir(name), "supervisor")).Trim());

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    [ContainerFact]
    public void Run_d_returns_once_started_and_the_verbs_work_on_it()
    {
        var sw = Stopwatch.StartNew();
        // TinyTool.Run reads stdout and stderr to EOF: it returns only if the supervisor holds neither.
        var run = Detach("d-verbs", "sh", "-c", "echo out1; echo err1 >&2; echo y > /etc/new; while true; do sleep 0.05; done");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("d-verbs\n", run.Stdout);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal("running", Ps("d-verbs").GetProperty("status").GetString());
        Assert.True(Ps("d-verbs").GetProperty("detached").GetBoolean());

        int supervisor = SupervisorPid("d-verbs");
        // Its own session, not the caller's terminal or pipes: stdio is /dev/null.
        Assert.NotEqual(File.ReadAllText("/proc/self/stat").Split(' ')[5], File.ReadAllText($"/proc/{supervisor}/stat").Split(") ")[1].Split(' ')[3]);
        Assert.All(new[] { 0, 1, 2 }, fd => Assert.Equal("/dev/null", new FileInfo($"/proc/{supervisor}/fd/{fd}").LinkTarget));

        Assert.Equal("in-exec\n", _tool.Run("exec", "d-verbs", "echo", "in-exec").Stdout);
        Assert.Contains("A /etc/new", _tool.Run("diff", "d-verbs").Stdout, StringComparison.Ordinal);
        var logs = _tool.Run("logs", "d-verbs");
        Assert.Equal(("out1\n", "err1\n"), (logs.Stdout, logs.Stderr));
        Assert.Contains("running", _tool.Run("ps").Stdout, StringComparison.Ordinal);
        Assert.Equal(125, Detach("d-verbs", "true").ExitCode); // the name is taken

        Assert.Equal(0, _tool.Run("stop", "-t", "1s", "d-verbs").ExitCode);

        Assert.Equal("exited", Ps("d-verbs").GetProperty("status").GetString());
        Assert.Equal(143, Ps("d-verbs").GetProperty("exitCode").GetInt32());
        Assert.Contains("exited (143)", _tool.Run("ps", "-a").Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("d-verbs", _tool.Run("ps").Stdout, StringComparison.Ordinal);
        Assert.Equal("143\n", _tool.Run("wait", "d-verbs").Stdout);
        Assert.Equal("out1\n", _tool.Run("logs", "d-verbs").Stdout); // readable after the exit
        var again = Detach("d-verbs", "true");
        Assert.Equal(125, again.ExitCode);
        Assert.Contains("rm d-verbs", again.Stderr, StringComparison.Ordinal);
        Assert.False(Alive(supervisor));

        Assert.Equal("d-verbs\n", _tool.Run("rm", "d-verbs").Stdout);
        Assert.Empty(_tool.StateEntries());
        Assert.Equal(125, _tool.Run("rm", "d-verbs").ExitCode);
    }

    [ContainerFact]
    public void A_failure_to_start_is_reported_by_run_d_itself_and_leaves_nothing()
    {
        var notFound = Detach("d-fail", "no-such-command");
        Assert.Equal(127, notFound.ExitCode);
        Assert.Equal("", notFound.Stdout);
        Assert.Equal("tinydocker: `no-such-command`: executable file not found in $PATH\n", notFound.Stderr);

        var notExecutable = Detach("d-fail", "/etc/passwd");
        Assert.Equal(126, notExecutable.ExitCode);
        Assert.Single(notExecutable.Stderr.TrimEnd('\n').Split('\n'));

        foreach (var bad in new[] { new[] { "-t", "--", "true" }, ["--log-opt", "max-size=1", "--", "true"], ["--log-opt", "color=red", "--", "true"],
            ["--owner", "x", "--", "true"], ["--owner", "999999999", "--", "true"], ["--network", "container:d-nobody", "--", "true"] })
        {
            var r = Detach("d-fail", bad);
            Assert.True(r.ExitCode == 125, r.ToString());
            Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        }
        Assert.Equal(125, _tool.Run("run", "--owner", "1", "--image", _image.Dir, "d-fail", "true").ExitCode); // --owner needs -d
        Assert.Empty(_tool.StateEntries());
        Assert.Empty(Cgroups.Named(_tool.CgroupPrefix));
    }

    [ContainerFact]
    public void Run_d_rm_removes_everything_at_exit_and_without_rm_only_the_record_stays()
    {
        Assert.Equal(0, Detach("d-rm", ["--rm", .. Containers.IncidentalLimits("--memory", "64m"), "--", "sh", "-c", "echo bye; exit 4"]).ExitCode);
        Assert.Equal(0, Detach("d-keep", [.. Containers.IncidentalLimits("--memory", "64m"), "--", "sh", "-c", "echo kept; exit 5"]).ExitCode);

        Assert.Equal("5\n", _tool.Run("wait", "d-keep").Stdout);
        var rm = _tool.Run("wait", "d-rm"); // may find it gone already: then no such container
        Assert.True(rm.Stdout == "4\n" || rm.ExitCode == 125, rm.ToString());

        WaitFor(() => !_tool.StateEntries().Contains("d-rm"), "d-rm removed");
        Assert.Equal(["d-keep"], _tool.StateEntries());
        Assert.Equal(["exit.json", "lock", "log", "spec.json"], Directory.GetFiles(Dir("d-keep")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Cgroups.Named(_tool.CgroupPrefix));
        Assert.Empty(_tool.LeftMounts());
        Assert.Equal("kept\n", _tool.Run("logs", "d-keep").Stdout);
        Assert.Equal("removed d-keep\n", _tool.Run("prune").Stdout);
        Assert.Empty(_tool.StateEntries());
    }

    [ContainerFact]
    public void Wait_on_an_rm_container_that_is_still_running_gets_its_code_after_the_directory_is_gone()
    {
        // Ended by a signal its command traps, not by something exec'd into it: an exec'd process
        // still exiting when the container ends is killed with it (137), as docker's would be.
        Assert.Equal(0, Detach("d-rmwait", "--rm", "--", "sh", "-c", "trap 'exit 6' USR1; echo trapped; while true; do sleep 0.05; done").ExitCode);
        using var wait = _tool.Start("wait", "d-rmwait");
        string lockFile = Path.Combine(Dir("d-rmwait"), "lock");
        WaitFor(() => Directory.EnumerateFiles($"/proc/{wait.Id}/fd").Any(fd => new FileInfo(fd).LinkTarget == lockFile), "wait to open the lock file");
        WaitFor(() => _tool.Run("logs", "d-rmwait").Stdout == "trapped\n", "the command to trap USR1");

        Assert.Equal(0, _tool.Run("kill", "-s", "USR1", "d-rmwait").ExitCode);

        Assert.Equal("6", wait.StandardOutput.ReadLine());
        Assert.True(wait.WaitForExit(10_000));
        Assert.Equal(0, wait.ExitCode);
        WaitFor(() => _tool.StateEntries().Count == 0, "d-rmwait removed");
    }

    [ContainerFact]
    public void Logs_are_capped_the_newest_kept_private_and_followed_until_exit()
    {
        Assert.Equal(0, Detach("d-cap", "--log-opt", "max-size=4k", "--", "sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line $i; i=$((i+1)); done").ExitCode);
        Assert.Equal(0, Detach("d-long", "sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x").ExitCode);
        Assert.Equal("0\n", _tool.Run("wait", "d-cap").Stdout);
        Assert.Equal("0\n", _tool.Run("wait", "d-long").Stdout);

        foreach (var file in new[] { "log", "log.1" }.Select(f => Path.Combine(Dir("d-cap"), f)))
        {
            Assert.True(new FileInfo(file).Length <= 4096, file);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        string all = _tool.Run("logs", "d-cap").Stdout;
        Assert.EndsWith("line 2998\nline 2999\n", all, StringComparison.Ordinal);
        Assert.DoesNotContain("line 0\n", all, StringComparison.Ordinal);
        Assert.True(all.Length is > 4096 and <= 8192, $"{all.Length} bytes kept");
        Assert.Equal("line 2998\nline 2999\n", _tool.Run("logs", "--tail", "2", "d-cap").Stdout);
        // A line without an end is cut into 16 KiB records and given back as written.
        Assert.Equal(new string('x', 100000), _tool.Run("logs", "d-long").Stdout);
        Assert.All(File.ReadAllLines(Path.Combine(Dir("d-long"), "log")), line => Assert.True(line.Length <= 2 + 16 * 1024));

        Assert.Equal(0, Detach("d-follow", "sh", "-c", "echo first; sleep 1; echo second; echo third >&2").ExitCode);
        var follow = _tool.Run("logs", "-f", "d-follow");
        Assert.Equal(("first\nsecond\n", "third\n"), (follow.Stdout, follow.Stderr));
        Assert.Equal(125, _tool.Run("logs", "--tail", "x", "d-follow").ExitCode);
        Assert.Equal(125, _tool.Run("logs", "d-nobody").ExitCode);
    }

    [ContainerFact]
    public void Sigkill_of_the_owner_ends_the_container_and_everything_of_it()
    {
        using var owner = Process.Start("sleep", "600");
        Assert.Equal(0, Detach("d-owned", ["--owner", owner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), .. Containers.IncidentalLimits("--memory", "64m"), "--", "sleep", "1000"]).ExitCode);
        int init = Ps("d-owned").GetProperty("pid").GetInt32();
        int supervisor = SupervisorPid("d-owned");
        Assert.Equal(!Containers.Rootless, Cgroups.Named(_tool.CgroupPrefix).Any()); // rootless: no cgroup at all

        owner.Kill();

        Assert.Equal("137\n", _tool.Run("wait", "d-owned").Stdout);
        WaitFor(() => !Alive(supervisor), "the supervisor to exit");
        Assert.False(Alive(init));
        Assert.Empty(Cgroups.Named(_tool.CgroupPrefix));
        Assert.Empty(_tool.LeftMounts());
        Assert.True(JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir("d-owned"), "exit.json"))).RootElement.GetProperty("ownerGone").GetBoolean());
        Assert.Contains("its owner went away", _tool.Run("logs", "d-owned").Stderr, StringComparison.Ordinal);
        Assert.Equal("removed d-owned\n", _tool.Run("prune").Stdout);
        Assert.Empty(_tool.StateEntries());
    }

    [ContainerFact]
    public void Die_with_parent_with_d_ends_the_container_with_the_process_that_ran_run_d()
    {
        // sh runs `run -d`, then becomes `sleep` (same pid): that process is the owner.
        var psi = _tool.StartInfo(["-c", $"{TinyTool.Executable} run -d --die-with-parent --image {_image.Dir} --no-cwd d-parent sleep 1000 && exec sleep 600"]);
        psi.FileName = "sh";
        using var parent = Process.Start(psi)!;
        Assert.Equal("d-parent", parent.StandardOutput.ReadLine());
        Assert.Equal("running", Ps("d-parent").GetProperty("status").GetString());

        parent.Kill();

        Assert.Equal("137\n", _tool.Run("wait", "d-parent").Stdout);
        Assert.Empty(_tool.LeftMounts());
    }

    [ContainerFact]
    public void A_killed_supervisor_takes_its_container_with_it_and_prune_removes_the_stray()
    {
        Assert.Equal(0, Detach("d-stray", "sleep", "1000").ExitCode);
        int init = Ps("d-stray").GetProperty("pid").GetInt32();
        Process.GetProcessById(SupervisorPid("d-stray")).Kill();

        WaitFor(() => !Alive(init), "the init to die with its supervisor");
        WaitFor(() => Ps("d-stray").GetProperty("status").GetString() == "stale", "ps -a to show it stale");
        Assert.Equal(125, _tool.Run("wait", "d-stray").ExitCode);
        Assert.Equal("removed d-stray\n", _tool.Run("prune").Stdout);
        Assert.Empty(_tool.LeftMounts());
    }

    [ContainerFact]
    public void Rm_refuses_a_running_container_and_rm_f_kills_it()
    {
        Assert.Equal(0, Detach("d-rmf", "sleep", "1000").ExitCode);
        Assert.Equal(125, _tool.Run("rm", "d-rmf").ExitCode);
        Assert.Equal("d-rmf\n", _tool.Run("rm", "-f", "d-rmf").Stdout);
        Assert.Empty(_tool.StateEntries());
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }

    public void Dispose() => _tool.Dispose();
}
