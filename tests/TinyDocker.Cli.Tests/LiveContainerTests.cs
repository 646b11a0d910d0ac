using System.Diagnostics;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>The verbs that act on a running container: exec, diff, stop, kill; and --keep-upper.</summary>
public sealed class LiveContainerTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public LiveContainerTests(BusyboxImage image) => _image = image;

    private Process StartLive(string name, params string[] extra)
    {
        var p = _tool.Start(["run", "--image", _image.Dir, .. extra, name, "sh", "-c",
            "echo made > /tmp/made; echo y > /etc/new; rm /bin/vi; trap 'echo stopping; exit 5' TERM; echo ready; while true; do sleep 0.05; done"]);
        Assert.Equal("ready", p.StandardOutput.ReadLine());
        return p;
    }

    [ContainerFact]
    public void Exec_sees_the_same_files_processes_hostname_and_cgroup()
    {
        using var run = StartLive("live-exec", Containers.IncidentalLimits("--pids-limit", "100"));

        var r = _tool.Run("exec", "live-exec", "sh", "-c", "cat /tmp/made; hostname; tr '\\0' ' ' < /proc/1/cmdline; echo; grep pids /proc/self/cgroup; exit 9");

        Assert.Equal(9, r.ExitCode);
        var lines = r.Stdout.Split('\n');
        Assert.Equal("made", lines[0]);
        Assert.Equal("live-exec", lines[1]);
        Assert.Matches("__init|tinydocker-init", lines[2]); // the CLI in init mode, or the separate init beside it
        Assert.EndsWith(":pids:/", lines[3], StringComparison.Ordinal); // in the container's own cgroup, its namespace's root
        Assert.Equal(127, _tool.Run("exec", "live-exec", "no-such-command").ExitCode);
        run.Kill();
        run.WaitForExit();
    }

    [ContainerFact]
    public void Diff_lists_added_changed_and_deleted_paths()
    {
        using var run = StartLive("live-diff");

        var r = _tool.Run("diff", "live-diff");

        Assert.Equal("C /bin\nD /bin/vi\nC /etc\nA /etc/new\n", r.Stdout);
        run.Kill();
        run.WaitForExit();
    }

    [ContainerFact]
    public void Stop_sends_sigterm_and_the_run_ends_with_the_commands_status()
    {
        using var run = StartLive("live-stop");

        var stop = _tool.Run("stop", "live-stop");

        Assert.Equal(0, stop.ExitCode);
        Assert.True(run.WaitForExit(10_000));
        Assert.Equal("stopping", run.StandardOutput.ReadLine());
        Assert.Equal(5, run.ExitCode);
        Assert.Empty(_tool.StateEntries());
    }

    [ContainerFact]
    public void Kill_ends_the_container_at_once_and_names_that_are_not_running_are_errors()
    {
        using var run = StartLive("live-kill");

        Assert.Equal(0, _tool.Run("kill", "live-kill").ExitCode);

        Assert.True(run.WaitForExit(10_000));
        // Its stderr in the message: once this run ended 134 (SIGABRT) under load, with no word why.
        Assert.True(run.ExitCode == 137, $"exit {run.ExitCode}: {run.StandardError.ReadToEnd()}");
        var missing = _tool.Run("exec", "live-kill", "true");
        Assert.Equal(125, missing.ExitCode);
        Assert.Equal("tinydocker: no running container named `live-kill`\n", missing.Stderr);
        Assert.Equal(125, _tool.Run("kill", "-s", "WINCH", "whatever").ExitCode);
    }

    [ContainerFact]
    public void Keep_upper_saves_the_writes_with_their_whiteouts()
    {
        string keep = Path.Combine(Path.GetTempPath(), $"tinydocker-keep-{Guid.NewGuid():N}");
        try
        {
            var r = _tool.Run("run", "--image", _image.Dir, "--keep-upper", keep, "keep", "sh", "-c", "echo y > /etc/new; rm /bin/vi");

            Assert.Equal(0, r.ExitCode);
            Assert.Equal("y\n", File.ReadAllText(Path.Combine(keep, "root/etc/new")));
            var whiteout = new FileInfo(Path.Combine(keep, "root/bin/vi"));
            Assert.True(whiteout.Exists);
            Assert.Equal(0, whiteout.Length);
        }
        finally
        {
            if (Directory.Exists(keep))
            {
                Directory.Delete(keep, recursive: true);
            }
        }
    }

    public void Dispose() => _tool.Dispose();
}
