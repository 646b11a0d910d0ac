using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>run's exit status: the command's own, 128+N for signal N, 125/126/127 for tinydocker's and exec's failures.</summary>
public sealed class ExitCodeTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public ExitCodeTests(BusyboxImage image) => _image = image;

    [ContainerTheory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 3", 3)]
    [InlineData("kill -9 $$", 137)]
    [InlineData("kill -TERM $$", 143)]
    public void The_commands_status_is_returned(string script, int expected)
        => Assert.Equal(expected, _tool.Run("run", "--image", _image.Dir, "exit-code", "sh", "-c", script).ExitCode);

    [ContainerFact]
    public void A_command_that_is_not_found_is_127_and_one_that_cannot_run_is_126()
    {
        var notFound = _tool.Run("run", "--image", _image.Dir, "exit-127", "no-such-command");
        var notExecutable = _tool.Run("run", "--image", _image.Dir, "exit-126", "/etc/passwd");
        var directory = _tool.Run("run", "--image", _image.Dir, "exit-126b", "/etc");

        Assert.Equal(127, notFound.ExitCode);
        Assert.Equal("tinydocker: `no-such-command`: executable file not found in $PATH\n", notFound.Stderr);
        Assert.Equal(126, notExecutable.ExitCode);
        Assert.Contains("EACCES", notExecutable.Stderr, StringComparison.Ordinal);
        Assert.Equal(126, directory.ExitCode);
    }

    public static TheoryData<string[]> BadInputs => new()
    {
        new[] { "run", "", "true" },
        new[] { "run", ".", "true" },
        new[] { "run", "..", "true" },
        new[] { "run", "a/b", "true" },
        new[] { "run", "a,b", "true" },
        new[] { "run", "a=b", "true" },
        new[] { "run", "a:b", "true" },
        new[] { "run", new string('a', 64), "true" },
        new[] { "run", "no-command" },
        new[] { "run", "--image", "/nonexistent/image", "bad-image", "true" },
        new[] { "run", "--image", "/tmp/with,comma", "bad-image2", "true" },
        new[] { "run", "--memory", "lots", "bad-memory", "true" },
        new[] { "run", "--timeout", "soon", "bad-timeout", "true" },
        new[] { "run", "--network", "bridge", "bad-net", "true" },
        new[] { "run", "-v", "/nonexistent:/data", "bad-volume", "true" },
        new[] { "run", "--no-such-option", "x", "true" },
        new[] { "no-such-verb" },
        // Values that crashed the tool or ran with the wrong meaning (issue 16, items 6 and 8).
        new[] { "run", "--timeout", "99999999h", "huge-timeout", "true" },
        new[] { "run", "--timeout", "1s", "--stop-timeout", "99999999h", "huge-stop", "sleep", "5" },
        new[] { "run", "--cpus", "NaN", "nan-cpus", "true" },
        new[] { "run", "--cpus", "Infinity", "inf-cpus", "true" },
        new[] { "run", "--memory", "99999999999t", "huge-memory", "true" },
        new[] { "run", "--memory", "64m", "--memory-swap", "99999999999t", "huge-swap", "true" },
        new[] { "run", "--tmpfs", "/t:size=99999999999t", "huge-tmpfs", "true" },
        new[] { "run", "-u", "4294967295", "minus-one-uid", "id" },
        new[] { "run", "-u", "0:4294967295", "minus-one-gid", "id" },
        new[] { "run", "newline\n", "true" },
        new[] { "run", "--hostname", "host\n", "newline-host", "true" },
        new[] { "run", "--pids-limit", "99999999999999999999", "huge-pids", "true" },
        new[] { "stop", "--time", "99999999h", "nobody" },
        new[] { "exec", "../../etc", "true" },
    };

    [ContainerTheory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_one_line_and_125_and_creates_nothing(string[] args)
    {

        var r = _tool.Run(args);

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.StartsWith("tinydocker: ", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(_tool.StateEntries());
        Assert.Empty(Cgroups.Named(_tool.CgroupPrefix));
        Assert.Empty(Machine.ProcessesWith(_tool.StateRoot));
        Assert.False(Directory.Exists(_tool.DataRoot)); // not even an empty image store
        Assert.Empty(_tool.LeftMounts());
    }

    public void Dispose() => _tool.Dispose();
}
