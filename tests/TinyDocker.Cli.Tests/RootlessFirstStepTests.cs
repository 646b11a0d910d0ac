using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// A rootless run's first step: the tool's own `tinydocker-firststep` beside it (built with it),
/// util-linux unshare when asked for (TINYDOCKER_FIRST_STEP=util-linux), and util-linux unshare
/// whenever the own one is a file that someone but root and the caller could have written: who
/// could replace it would run code as every user of the tool. Each run's `--debug` line names
/// the first step it took and why; each run must work either way.
/// </summary>
public sealed class RootlessFirstStepTests : IClassFixture<BusyboxImage>, IDisposable
{
    private const string FileName = "tinydocker-firststep";
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();
    private string? _copy;

    public RootlessFirstStepTests(BusyboxImage image) => _image = image;

    public void Dispose()
    {
        _tool.Dispose();
        if (_copy is not null)
        {
            Directory.Delete(_copy, recursive: true);
        }
    }

    private static readonly string[] Namespaces = ["user", "mnt", "uts", "ipc", "pid", "net"];

    private static string Own => Path.Combine(Path.GetDirectoryName(TinyTool.Executable)!, FileName);

    [RootlessFact]
    public void The_tools_own_first_step_starts_the_container_and_util_linux_unshare_does_when_asked()
    {
        Assert.True(File.Exists(Own), $"the build put no {FileName} beside {TinyTool.Executable} (tool/TinyDocker.RuntimeFree/RuntimeFree.targets)");
        if (File.Exists("/usr/bin/musl-gcc"))
        {
            // Linked against musl where it is installed: glibc's static start-up costs a run about 1 ms
            // here (docs/benchmarks.md); a static glibc reads GLIBC_TUNABLES as it starts, musl has no such name.
            Assert.False(File.ReadAllBytes(Own).AsSpan().IndexOf("GLIBC_TUNABLES"u8) >= 0, $"{Own} is linked against glibc, though musl-gcc is installed");
        }

        Assert.Equal(Own, FirstStep("fs-own"));
        _tool.Environment["TINYDOCKER_FIRST_STEP"] = "util-linux";
        Assert.Equal("util-linux unshare: TINYDOCKER_FIRST_STEP=util-linux", FirstStep("fs-util"));
        Assert.Empty(_tool.StateEntries());
    }

    [RootlessFact]
    public void The_first_step_alone_makes_the_namespaces_keeps_the_capabilities_and_ends_as_its_child()
    {
        var user = RootlessUser.WithRanges!;
        // The first step run as the user, through the test users' own wrapper (setpriv).
        System.Diagnostics.ProcessStartInfo AsUserInfo(string[] args)
        {
            var psi = new System.Diagnostics.ProcessStartInfo(Own) { RedirectStandardError = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            return user.Wrap(psi);
        }
        ToolResult AsUser(params string[] args)
        {
            var wrapped = AsUserInfo(args);
            return Shell.Run(wrapped.FileName, wrapped.ArgumentList);
        }

        // PID 1 of new namespaces, unmapped (the tool maps the ids), every capability kept through the exec.
        var inside = AsUser("--net", "--", "/bin/sh", "-c",
            "echo $$; wc -l < /proc/self/uid_map; grep -E '^Cap(Eff|Amb)' /proc/self/status; for n in " + string.Join(' ', Namespaces) + "; do readlink /proc/self/ns/$n; done; exit 7");
        Assert.True(inside.ExitCode == 7, inside.ToString());
        var lines = inside.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1", lines[0]);
        Assert.Equal("0", lines[1].Trim());
        // A new user namespace gives its creator every capability the kernel has, whatever bounded it outside.
        int last = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        string all = ((1UL << (last + 1)) - 1).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([$"CapEff:\t{all}", $"CapAmb:\t{all}"], lines[2..4]);
        // Each namespace its own (--net: the network's too).
        Assert.Equal(Namespaces.Length, lines[4..].Length);
        Assert.All(Namespaces.Zip(lines[4..]), n => Assert.NotEqual(new FileInfo($"/proc/self/ns/{n.First}").LinkTarget, n.Second));
        Assert.Equal("", inside.Stderr);

        // Its init killed (from outside: PID 1 ignores what its own namespace sends it), it ends killed
        // by the same signal (util-linux unshare exits 1 for SIGKILL).
        using (var step = System.Diagnostics.Process.Start(AsUserInfo(["--", "/bin/sleep", "30"]))!)
        {
            string children = $"/proc/{step.Id}/task/{step.Id}/children";
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (File.ReadAllText(children).Trim() is var c && (c.Length == 0 || File.ReadAllText($"/proc/{c}/cmdline").StartsWith("/bin/sleep", StringComparison.Ordinal) is false))
            {
                Assert.True(DateTime.UtcNow < deadline, "the first step forked no sleep in 20 s");
                Thread.Sleep(10);
            }
            Assert.Equal(0, Shell.Run("kill", ["-KILL", File.ReadAllText(children).Trim()]).ExitCode);
            Assert.True(step.WaitForExit(10_000));
            Assert.Equal(128 + 9, step.ExitCode);
            Assert.Equal("", step.StandardError.ReadToEnd());
        }

        // Bad input: one line each, distinct codes.
        var usage = AsUser("--nett", "--", "/bin/true");
        Assert.Equal(2, usage.ExitCode);
        Assert.Equal("tinydocker-firststep: usage: tinydocker-firststep [--net] -- PROGRAM [ARG...]\n", usage.Stderr);
        var missing = AsUser("--", "/no/such/init");
        Assert.Equal(127, missing.ExitCode);
        Assert.Equal("tinydocker-firststep: cannot run /no/such/init: No such file or directory\n", missing.Stderr);
        var notExecutable = AsUser("--", "/etc/passwd");
        Assert.Equal(126, notExecutable.ExitCode);
        Assert.Equal("tinydocker-firststep: cannot run /etc/passwd: Permission denied\n", notExecutable.Stderr);
    }

    [RootlessFact]
    public void A_first_step_someone_else_could_have_replaced_is_never_run()
    {
        var user = RootlessUser.WithRanges!;
        var other = RootlessUser.WithOverlappingRange!;
        string dir = CopyOfTheTool();
        string step = Path.Combine(dir, FileName);

        // Owned by another ordinary user: that user could have put anything there.
        Chown(step, other.Uid);
        Assert.Equal($"util-linux unshare: {step} is owned by uid {other.Uid}, neither root nor the caller", FirstStep("fs-other"));
        Chown(step, 0);

        File.SetUnixFileMode(step, (UnixFileMode)0b111_111_101);
        Assert.Equal($"util-linux unshare: {step} is writable by group or others", FirstStep("fs-groupw"));
        File.SetUnixFileMode(step, (UnixFileMode)0b111_101_101);

        // A directory others may write: they could rename another file into its place.
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
        Assert.Equal($"util-linux unshare: its directory {dir} is writable by group or others", FirstStep("fs-dirw"));
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);

        // A symlink is followed by exec, to wherever its owner points it.
        File.Move(step, step + ".real");
        File.CreateSymbolicLink(step, step + ".real");
        Assert.Equal($"util-linux unshare: {step} is not a regular file", FirstStep("fs-link"));
        File.Delete(step);
        File.Move(step + ".real", step);

        // Not an executable for this machine (a bundle's file for another architecture, say).
        File.WriteAllText(step + ".sh", "#!/bin/sh\nexit 99\n");
        File.SetUnixFileMode(step + ".sh", (UnixFileMode)0b111_101_101);
        File.Move(step, step + ".real");
        File.Move(step + ".sh", step);
        Assert.Equal($"util-linux unshare: {step} is not an executable for this machine", FirstStep("fs-notelf"));
        File.Delete(step);
        File.Move(step + ".real", step);

        // NuGet extracts without execute bits: root's copy stays as it is, the caller's own gets them.
        File.SetUnixFileMode(step, (UnixFileMode)0b110_100_100);
        Assert.Equal($"util-linux unshare: {step} is not executable and not the caller's to change", FirstStep("fs-noexec"));
        Chown(step, user.Uid);
        Assert.Equal(step, FirstStep("fs-mine"));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(step));

        Assert.Empty(_tool.StateEntries());
    }

    /// <summary>Runs a container as the ranged user; returns what its `--debug` line names as the first step.</summary>
    private string FirstStep(string name)
    {
        _tool.RunAs = RootlessUser.WithRanges;
        var r = _tool.Run("run", "--debug", "--no-cwd", "--image", _image.Dir, name, "sh", "-c", "id -u; head -1 /proc/self/uid_map");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", lines[0]);
        Assert.Equal($"0 {RootlessUser.WithRanges!.Uid} 1", string.Join(' ', lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        const string marker = "supervisor first step: ";
        string line = Assert.Single(r.Stderr.Split('\n'), l => l.Contains(marker, StringComparison.Ordinal));
        return line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
    }

    /// <summary>A copy of the tool's own files (the first step found beside the copy, not beside the original), root's, 0755.</summary>
    private string CopyOfTheTool()
    {
        string from = Path.GetDirectoryName(TinyTool.Executable)!;
        _copy = Directory.CreateTempSubdirectory("tinydocker-firststep-test-").FullName;
        string dir = Path.Combine(_copy, "tool");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(_copy, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        // Everything beside it: a framework-dependent build needs its assemblies, .json files and runtimes/.
        Assert.Equal(0, Shell.Run("cp", ["-a", from + "/.", dir]).ExitCode);
        _tool.Program = Path.Combine(dir, Path.GetFileName(TinyTool.Executable));
        return dir;
    }

    private static void Chown(string path, uint uid) => Shell.Run("chown", ["-h", uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path]);
}
