using TinyDocker.Runtime.Init;
using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// The init with no runtime, `tinydocker-init` beside the tool (tool/TinyDocker.Init): which runs
/// take it, that it refuses to run by hand before any mount (as the .NET init does), and that a
/// command cannot make its PID 1 hold signals. Everything else it does, every container test
/// checks: the suite's runs without a terminal or ports take it (CI runs the framework-dependent
/// pass of this suite with TINYDOCKER_INIT=dotnet, so the .NET init is held to the same tests).
/// </summary>
public sealed class NativeInitTests : IClassFixture<BusyboxImage>, IDisposable
{
    private const string FileName = "tinydocker-init";
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();
    private readonly string _work = Directory.CreateTempSubdirectory("tinydocker-init-test-").FullName;

    public NativeInitTests(BusyboxImage image) => _image = image;

    public void Dispose()
    {
        _tool.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    private static string Own => Path.Combine(Path.GetDirectoryName(TinyTool.Executable)!, FileName);

    [ContainerFact]
    public void A_run_takes_the_init_beside_the_tool_unless_told_or_it_needs_a_terminal_or_ports()
    {
        Assert.True(File.Exists(Own), $"the build put no {FileName} beside {TinyTool.Executable} (tool/TinyDocker.RuntimeFree/RuntimeFree.targets)");
        _tool.Environment[OwnInit.ChooseVariable] = "";
        Assert.Equal(Own, Init("ni-own"));
        _tool.Environment[OwnInit.ChooseVariable] = OwnInit.DotNet;
        Assert.Equal($"__init: {OwnInit.ChooseVariable}={OwnInit.DotNet}", Init("ni-dotnet"));

        var plain = new ContainerSpec
        {
            Name = "x", Hostname = "x", Layers = ["/"], Command = ["true"], Env = [], WorkingDir = "/", StateRoot = "/run/x",
        };
        Assert.Null(OwnInit.For(plain with { Tty = true }, out string why));
        Assert.Equal("a terminal (-t) needs the .NET init's relay", why);
        Assert.Null(OwnInit.For(plain with { Ports = [PortSpec.Parse("127.0.0.1:8080:80")] }, out why));
        Assert.Equal("published ports (-p) need the .NET init's socket thread", why);
        Assert.Empty(_tool.StateEntries());
    }

    [RootFact]
    public void An_init_someone_else_could_have_replaced_is_never_run()
    {
        string from = Path.GetDirectoryName(TinyTool.Executable)!;
        string dir = Path.Combine(_work, "tool");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(_work, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        Assert.Equal(0, Shell.Run("cp", ["-a", from + "/.", dir]).ExitCode);
        _tool.Program = Path.Combine(dir, Path.GetFileName(TinyTool.Executable));
        _tool.Environment[OwnInit.ChooseVariable] = "";
        string init = Path.Combine(dir, FileName);
        // Owned by another user (daemon): that user could have put anything there, and every container would run it as root.
        Assert.Equal(0, Shell.Run("chown", ["1", init]).ExitCode);
        Assert.Equal($"__init: {init} is owned by uid 1, neither root nor the caller", Init("ni-other"));
    }

    [RootFact]
    public void Run_by_hand_it_refuses_before_any_mount_unless_its_namespaces_are_new()
    {
        // A real plan, from the spec of a container (then ended), for a state directory of the test's own.
        using (var keep = _tool.Start("run", "--no-cwd", "--image", _image.Dir, "ni-spec", "sleep", "30"))
        {
            string specPath = Path.Combine(_tool.StateRoot, "ni-spec", "spec.json");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(Path.Combine(_tool.StateRoot, "ni-spec", "scratch")) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
            var spec = SpecJson.Read(specPath) with { StateRoot = Path.Combine(_work, "state"), Name = "by-hand", Command = ["true"] };
            File.WriteAllBytes(Path.Combine(_work, "plan"), NativeInitPlan.Encode(spec, MountPlanner.Plan(spec), null));
            Assert.Equal(0, _tool.Run("kill", "ni-spec").ExitCode);
            keep.WaitForExit();
        }
        string stateDir = Path.Combine(_work, "state", "by-hand");
        Directory.CreateDirectory(stateDir);
        var mounts = Machine.Mounts();
        string report = Path.Combine(_work, "report");
        ToolResult ByHand(string prefix) => Shell.Run("/bin/sh", ["-c",
            $"exec 3<{_work}/plan 4>{report}; exec {prefix} {Own} __init {stateDir}/spec.json"]);

        var host = ByHand("");
        Assert.Equal(125, host.ExitCode);
        Assert.Equal("tinydocker: init refuses to run: it is not PID 1 of a new PID namespace (it is started by `tinydocker run`, not by hand)\n", host.Stderr);

        var pidOnly = ByHand("/usr/bin/unshare --pid --fork --kill-child --");
        Assert.Equal(125, pidOnly.ExitCode);
        Assert.Equal("tinydocker: init refuses to run: its mount namespace is its parent's\n", pidOnly.Stderr);
        Assert.False(Directory.Exists(Path.Combine(stateDir, "rw")), "the refused init made its scratch directory");
        Assert.Equal(mounts, Machine.Mounts());

        // Counter-proof: in namespaces of its own it goes on, to its mounts and the command (its
        // hostname and loopback are set in its own UTS and network namespaces, not the host's).
        var own = ByHand("/usr/bin/unshare --pid --mount --uts --ipc --net --fork --kill-child --");
        Assert.DoesNotContain("refuses", own.Stderr, StringComparison.Ordinal);
        Assert.Contains("\nstarted ", File.ReadAllText(report), StringComparison.Ordinal);
        Assert.Equal(mounts, Machine.Mounts());
    }

    [ContainerFact]
    public void A_signal_the_command_sends_its_pid_1_is_neither_held_nor_queued()
    {
        // A real-time signal would queue without bound at a PID 1 that holds it; a namespace's init
        // with no handler for it has it dropped by the kernel instead (and a forwarded one reaches the command).
        var r = _tool.Run("run", "--no-cwd", "--image", _image.Dir, "ni-signals", "sh", "-c",
            "trap 'echo usr1' USR1; kill -34 1; kill -34 1; kill -USR1 1; sleep 0.3; grep -E '^(ShdPnd|SigPnd):' /proc/1/status");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("usr1", lines[0]);
        Assert.All(lines[1..], l => Assert.EndsWith("\t0000000000000000", l, StringComparison.Ordinal));
    }

    /// <summary>The init a run took, from its `--debug` line: the path of the one beside the tool, or "__init: why".</summary>
    private string Init(string name)
    {
        var r = _tool.Run("run", "--debug", "--no-cwd", "--image", _image.Dir, name, "true");
        Assert.True(r.ExitCode == 0, r.ToString());
        const string marker = "supervisor init: ";
        string line = Assert.Single(r.Stderr.Split('\n'), l => l.Contains(marker, StringComparison.Ordinal));
        return line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
    }
}
