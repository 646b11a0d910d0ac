using System.Diagnostics;
using System.Text;
using TinyDocker.Runtime.Cgroups;
using TinyDocker.Runtime.State;
using TinyDocker.Testing;
using Xunit.Abstractions;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// commit on real containers of a stored busybox image: what the new layer holds, that the image
/// runs and each run starts fresh, the freezer, refusals, and an upper layer built to attack the
/// host-side tar writer (links to host files, a device, a FIFO, a sparse file, odd names, a link
/// swapped while an unpaused commit reads).
/// </summary>
public sealed class CommitTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();
    private readonly ITestOutputHelper _output;
    private readonly string _tarball;

    public CommitTests(BusyboxImage image, ITestOutputHelper output)
    {
        _image = image;
        _output = output;
        _tarball = Path.Combine(Path.GetTempPath(), $"tinydocker-commit-{Guid.NewGuid():N}.tar");
        Assert.Equal(0, Shell.Run("tar", ["-C", image.Dir, "-cf", _tarball, "."]).ExitCode);
        var imported = _tool.Run("image", "import", _tarball, "bb:1");
        Assert.True(imported.ExitCode == 0, imported.ToString());
    }

    /// <summary>`commit`; rootless unpaused: a rootless container has no cgroup to freeze (refused with one line).</summary>
    private static string[] Commit => Containers.Rootless ? ["commit", "--pause=false"] : ["commit"];

    public void Dispose()
    {
        _tool.Dispose();
        File.Delete(_tarball);
    }

    private Process StartLive(string name, string script, string image = "bb:1")
    {
        var p = _tool.Start(["run", "--no-cwd", "--image", image, name, "sh", "-c", script + "\necho ready; exec sleep 1000"]);
        Assert.Equal("ready", p.StandardOutput.ReadLine());
        return p;
    }

    private static void Stop(Process run)
    {
        run.Kill();
        run.WaitForExit();
    }

    private ToolResult RunIn(string image, string name, string script)
        => _tool.Run("run", "--no-cwd", "--image", image, name, "sh", "-c", script);

    [RootFact("commit pauses the container in a cgroup freezer, and only root may make cgroups here (rootless, with --pause=false: RootlessImageTests)")]
    public void The_layer_holds_additions_changes_deletions_and_opaque_directories_and_every_run_of_the_image_starts_fresh()
    {
        var run = StartLive("src", "echo new > /etc/added; echo changed >> /etc/passwd; rm /bin/vi; mkdir -p /opt/a; "
            + "rm -rf /var; mkdir /var; echo only > /var/only; chmod 4755 /etc/added; chown 1000:1000 /opt/a; ln -s /etc/passwd /opt/link");

        var commit = _tool.Run("commit", "src", "bb:snap");

        Assert.True(commit.ExitCode == 0, commit.ToString());
        Assert.Matches("^sha256:[0-9a-f]{64}\n$", commit.Stdout);
        Assert.Equal("still here\n", _tool.Run("exec", "src", "echo", "still here").Stdout); // it runs on after the commit
        var first = RunIn("bb:snap", "snap1", "cat /etc/added; tail -1 /etc/passwd; test -e /bin/vi || echo no-vi; ls /var; "
            + "stat -c '%a %u:%g' /etc/added /opt/a; readlink /opt/link; echo dirty > /etc/added");
        Assert.Equal("new\nchanged\nno-vi\nonly\n4755 0:0\n755 1000:1000\n/etc/passwd\n", first.Stdout);
        Assert.Equal("new\n", RunIn("bb:snap", "snap2", "cat /etc/added").Stdout); // the first run's write is gone
        Assert.Equal("", RunIn("bb:1", "base", "ls /etc/added 2>/dev/null").Stdout); // the base image is unchanged

        var ls = _tool.Run("image", "ls");
        Assert.Contains("bb:snap", ls.Stdout, StringComparison.Ordinal);
        Stop(run);
        Assert.Equal(0, _tool.Run("image", "rm", "bb:snap").ExitCode);
        var pruned = _tool.Run("image", "prune");
        Assert.Single(pruned.Stdout.Split('\n'), l => l.Contains("layer", StringComparison.Ordinal));
        Assert.Equal("hi\n", RunIn("bb:1", "after-prune", "echo hi").Stdout); // the shared base layer stayed
    }

    [RootFact("commit pauses the container in a cgroup freezer, and only root may make cgroups here")]
    public void The_freezer_stops_every_process_of_the_container_and_gives_them_back_thawed()
    {
        var run = StartLive("frozen", "(while :; do :; done) &");
        var c = LiveContainer.Open(_tool.StateRoot, "frozen");
        int looper = Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out int p) ? p : 0)
            .Single(p => p > 0 && p != c.InitPid && Ns(p) == Ns(c.InitPid) && File.ReadAllText($"/proc/{p}/comm").Trim() == "sh");
        string cgroupBefore = FreezerLine(looper);

        Assert.True(CpuTicksGrow(looper), "counter-proof: the loop runs before the freeze");
        using (var freezer = Freezer.TryFreeze(c.Spec, c.InitPid, Cgroup.MountRoot))
        {
            Assert.NotNull(freezer);
            Assert.False(CpuTicksGrow(looper), "the loop ran while frozen");
        }

        Assert.True(CpuTicksGrow(looper), "the loop did not run again after the thaw");
        Assert.Equal(cgroupBefore, FreezerLine(looper));
        Assert.False(Directory.Exists($"{Cgroup.MountRoot}/freezer/tinydocker/{_tool.CgroupPrefix}frozen-commit"));
        Stop(run);
    }

    [RootFact("commit pauses the container in a cgroup freezer, and only root may make cgroups here")]
    public void A_zombie_that_its_frozen_parent_never_reaps_does_not_stop_the_freeze()
    {
        // sleep is the parent of `true` and never waits for it: a zombie for as long as the container runs.
        var run = StartLive("zombie", "sh -c 'true & exec sleep 1000' &\nuntil grep -qs ') Z ' /proc/[0-9]*/stat; do sleep 0.05; done");
        try
        {
            var r = _tool.Run("commit", "zombie", "zombie:1");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.False(Directory.Exists($"{Cgroup.MountRoot}/freezer/tinydocker/{_tool.CgroupPrefix}zombie-commit"));
        }
        finally
        {
            Stop(run);
        }
    }

    [ContainerFact]
    public void A_container_without_a_stored_image_is_refused_with_one_line()
    {
        var dir = StartLive("dirimage", "true", _image.Dir);
        try
        {
            var r = _tool.Run("commit", "dirimage", "x:1");
            Assert.Equal(125, r.ExitCode);
            Assert.Equal("tinydocker: container `dirimage` runs on a directory used in place, not a stored image: commit adds a layer "
                + "to a stored image (`image import` the directory as a tarball, then `run --image`)\n", r.Stderr);
        }
        finally
        {
            Stop(dir);
        }
    }

    [ContainerFact]
    public void Bad_names_are_one_line_and_125()
    {
        var run = StartLive("names", "true");
        var bad = _tool.Run("commit", "names", "Bad Name");
        Assert.Equal(125, bad.ExitCode);
        Assert.Matches("^tinydocker: invalid image reference `Bad Name`: [^\n]+\n$", bad.Stderr);
        var digest = _tool.Run("commit", "names", "x@sha256:" + new string('a', 64));
        Assert.Equal("tinydocker: invalid image name `x@sha256:" + new string('a', 64) + "`: a commit is named by NAME[:TAG], not a digest\n", digest.Stderr);
        Assert.Equal("tinydocker: no running container named `nope`\n", _tool.Run("commit", "nope", "x:1").Stderr);
        Stop(run);
    }

    [ContainerFact]
    public void A_hostile_upper_layer_gives_links_nodes_and_names_as_they_are_never_a_host_file()
    {
        string secret = Path.Combine(Path.GetTempPath(), $"tinydocker-secret-{Guid.NewGuid():N}");
        File.WriteAllText(secret, "HOST-SECRET-CONTENT\n");
        try
        {
            var run = StartLive("hostile", $"mkdir /evil; ln -s {secret} /evil/link; ln -s /proc/1/environ /evil/environ; "
                + "mkfifo /evil/fifo; mknod /evil/random c 1 8; touch '/evil/a name; with $(odd) chars'; ln -s ../../../../../.. /evil/up");

            var sw = Stopwatch.StartNew();
            var commit = _tool.Run([.. Commit, "hostile", "bb:hostile"]);

            Assert.True(commit.ExitCode == 0, commit.ToString());
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), "the commit read from the FIFO or the device");
            var seen = RunIn("bb:hostile", "seen", "readlink /evil/link; readlink /evil/environ; readlink /evil/up; ls -l /evil/fifo /evil/random | cut -c1; "
                + "stat -c '%t,%T' /evil/random; ls /evil | grep -c odd");
            // Rootless the mknod fails (a user namespace makes no device node): no device in the layer.
            Assert.Equal(Containers.Rootless ? $"{secret}\n/proc/1/environ\n../../../../../..\np\n1\n" : $"{secret}\n/proc/1/environ\n../../../../../..\np\nc\n1,8\n1\n", seen.Stdout);
            string layerDirs = Path.Combine(_tool.DataRoot, "layers");
            var grep = Shell.Run("grep", ["-r", "-l", "HOST-SECRET-CONTENT", layerDirs]); // -r: never follows a link
            Assert.Equal("", grep.Stdout);
            Stop(run);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [ContainerTheory]
    [InlineData("dd if=/dev/zero of=/big bs=1 count=0 seek=100G 2>/dev/null", "`/big` is a sparse file of 100g with 100g of holes: a layer would store them as zeros")]
    [InlineData("touch \"$(printf '/new\\nline')\"", "`/new?line` has a newline in its name: a layer here cannot hold it")]
    [InlineData("touch \"$(printf '/bad\\377name')\"", "`/bad?name` is not UTF-8: a layer cannot name it")]
    public void An_upper_layer_that_cannot_be_a_layer_is_refused_with_one_line_and_nothing_stored(string script, string message)
    {
        var run = StartLive("refused", script);
        var before = Directory.GetDirectories(Path.Combine(_tool.DataRoot, "layers")).Length;

        var r = _tool.Run([.. Commit, "refused", "bb:refused"]);

        Assert.Equal((125, $"tinydocker: {message}\n"), (r.ExitCode, r.Stderr));
        Assert.Equal(before, Directory.GetDirectories(Path.Combine(_tool.DataRoot, "layers")).Length);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.Combine(_tool.DataRoot, "tmp")), e => !e.Contains("-pin-", StringComparison.Ordinal));
        Assert.DoesNotContain("bb:refused", _tool.Run("image", "ls").Stdout, StringComparison.Ordinal);
        Assert.Equal("alive\n", _tool.Run("exec", "refused", "echo", "alive").Stdout);
        Stop(run);
    }

    [ContainerFact]
    public void A_link_swapped_for_a_file_while_an_unpaused_commit_reads_never_brings_the_hosts_file()
    {
        string secret = Path.Combine(Path.GetTempPath(), $"tinydocker-secret-{Guid.NewGuid():N}");
        File.WriteAllText(secret, "HOST-SECRET-CONTENT\n");
        try
        {
            var run = StartLive("swap", $"mkdir /s; (while :; do ln -sfn {secret} /s/x; echo safe > /s/t; mv -f /s/t /s/x; done) &");
            for (int i = 0; i < 5; i++)
            {
                var commit = _tool.Run("commit", "--pause=false", "swap", $"bb:swap{i}");
                Assert.True(commit.ExitCode == 0, commit.ToString());
                var seen = RunIn($"bb:swap{i}", $"swapseen{i}", "cat /s/x 2>/dev/null || readlink /s/x");
                Assert.DoesNotContain("HOST-SECRET", seen.Stdout, StringComparison.Ordinal);
            }
            Assert.Equal("", Shell.Run("grep", ["-r", "-l", "HOST-SECRET-CONTENT", Path.Combine(_tool.DataRoot, "layers")]).Stdout);
            Stop(run);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    /// <summary>
    /// The use case, measured: initialise once (a few thousand files, as an initdb writes), commit,
    /// then 20 runs of the snapshot, each seeing the data and each starting from it unchanged.
    /// </summary>
    [ContainerFact]
    public void Initialise_once_then_twenty_fresh_runs_from_the_snapshot()
    {
        var sw = Stopwatch.StartNew();
        var run = StartLive("initdb", "mkdir /db; i=0; while [ $i -lt 3000 ]; do echo row$i > /db/f$i; i=$((i+1)); done");
        var initialised = sw.Elapsed;
        sw.Restart();
        Assert.Equal(0, _tool.Run([.. Commit, "initdb", "db:snap"]).ExitCode);
        var committed = sw.Elapsed;
        Stop(run);
        var times = new List<TimeSpan>();
        for (int i = 0; i < 20; i++)
        {
            sw.Restart();
            var r = RunIn("db:snap", $"case{i}", "ls /db | wc -l; cat /db/f2999; test -e /db/dirty && echo NOT-FRESH; echo x > /db/dirty; rm /db/f0");
            times.Add(sw.Elapsed);
            Assert.Equal("3000\nrow2999\n", r.Stdout);
        }
        _output.WriteLine($"initialise 3000 files: {initialised.TotalMilliseconds:F0} ms; commit: {committed.TotalMilliseconds:F0} ms; "
            + $"20 runs from the snapshot: median {times.Order().ElementAt(10).TotalMilliseconds:F0} ms, max {times.Max().TotalMilliseconds:F0} ms");
    }

    private static string? Ns(int pid) => new FileInfo($"/proc/{pid}/ns/pid").LinkTarget;

    private static string FreezerLine(int pid) => File.ReadLines($"/proc/{pid}/cgroup").Single(l => l.Contains(":freezer:", StringComparison.Ordinal));

    /// <summary>Whether the process's user+system CPU ticks advance over 300 ms.</summary>
    private static bool CpuTicksGrow(int pid)
    {
        long Ticks()
        {
            var f = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(f[11]) + long.Parse(f[12]);
        }
        long before = Ticks();
        Thread.Sleep(300);
        return Ticks() > before;
    }
}
