using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// Inputs that crashed the tool with a stack trace or wrote raw bytes to the terminal: each is one
/// escaped line and 125, and leaves no state directory, cgroup, process or mount of this tool's.
/// </summary>
public sealed class HostileInputTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("tinydocker-hostile-").FullName;

    public HostileInputTests(BusyboxImage image) => _image = image;

    [ContainerTheory]
    [InlineData(new byte[] { (byte)'A', (byte)'=', (byte)'1', 10, 0x1b, (byte)'[', (byte)'2', (byte)'J', (byte)'B', (byte)'=', (byte)'2', 10 }, "line 2")]
    [InlineData(new byte[] { (byte)'A', (byte)'=', (byte)'1', 10, (byte)'#', 10, (byte)'B', (byte)'=', 0, 7, 10 }, "line 3")]
    [InlineData(new byte[] { (byte)'A', (byte)'=', 0xff, 0xfe, 0x1b, (byte)']', (byte)'0', 10 }, "line 1: not UTF-8")]
    public void A_binary_env_file_names_the_bad_line_and_echoes_nothing_raw(byte[] content, string expected)
    {
        string file = Path.Combine(_dir, "env");
        File.WriteAllBytes(file, content);

        var r = _tool.Run("run", "--image", _image.Dir, "--env-file", file, "binary-env", "true");

        AssertOneLineAndNothingLeft(r);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Stderr.TrimEnd('\n'), c => char.IsControl(c) || c == '\uFFFD');
    }

    [RootFact("it mounts a small tmpfs on the host to fill it")]
    public void The_start_record_onto_a_full_filesystem_is_one_line_and_the_container_is_torn_down()
    {
        // A full disk makes the start record fail on the thread that follows the init's reports,
        // while the container runs: the failure must reach the main thread, which tears down.
        string full = Path.Combine(_dir, "full");
        Directory.CreateDirectory(full);
        Assert.Equal(0, Shell.Run("mount", ["-t", "tmpfs", "-o", "size=64k", "tinydocker-hostile-full", full], _dir).ExitCode);
        try
        {
            Fill(full);
            string marker = $"{Random.Shared.Next(100_000, 999_999)}.{Random.Shared.Next(1000, 9999)}";

            var r = _tool.Run(["run", "--image", _image.Dir, "--memory", "64m", "--json-status", Path.Combine(full, "status.json"),
                "full-status", "sleep", marker]);

            AssertOneLineAndNothingLeft(r);
            Assert.Contains("No space left on device", r.Stderr, StringComparison.Ordinal);
            Assert.Empty(Machine.ProcessesWith($"sleep {marker}"));
        }
        finally
        {
            Shell.Run("umount", [full], _dir);
        }
    }

    private static void Fill(string dir)
    {
        using var f = File.OpenWrite(Path.Combine(dir, "fill"));
        var block = new byte[4096];
        try
        {
            while (true)
            {
                f.Write(block);
                f.Flush();
            }
        }
        catch (IOException)
        {
            // full
        }
    }

    private void AssertOneLineAndNothingLeft(ToolResult r)
    {
        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.StartsWith("tinydocker: ", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(_tool.StateEntries());
        Assert.Empty(Cgroups.Named(_tool.CgroupPrefix));
        Assert.Empty(Machine.ProcessesWith(_tool.StateRoot));
        Assert.Empty(_tool.LeftMounts());
    }

    public void Dispose()
    {
        _tool.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
