using System.Diagnostics;
using System.Text.RegularExpressions;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>What a docker user types: help that is true, --rm, several names, docker's verb spellings, --no-cwd.</summary>
public sealed partial class DockerFeelTests : IClassFixture<BusyboxImage>, IDisposable
{
    private static readonly string[][] Verbs =
    [
        ["run"], ["ps"], ["exec"], ["stop"], ["kill"], ["diff"], ["port"], ["commit"], ["prune"],
        ["image"], ["image", "import"], ["image", "pull"], ["image", "ls"], ["image", "inspect"], ["image", "rm"], ["image", "prune"],
    ];

    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();
    private readonly string _work = Directory.CreateTempSubdirectory("tinydocker-feel-").FullName;

    public DockerFeelTests(BusyboxImage image) => _image = image;

    [Fact]
    public void Runs_usage_line_is_the_order_it_is_typed_in_and_placeholders_say_what_to_type()
    {
        var help = _tool.Run("run", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.StartsWith("Usage: dotnet tinydocker run [options] NAME COMMAND [ARG...]\n", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("-e|--env KEY=VALUE ", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("-u|--user UID[:GID] ", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("-v|--volume HOST:CONTAINER[:ro] ", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("--rm ", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("--no-cwd ", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("KEY_VALUE", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[arguments]", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_verb_has_a_true_usage_line_examples_and_no_bare_version_line()
    {
        foreach (var verb in Verbs)
        {
            var help = _tool.Run([.. verb, "--help"]);
            string path = "dotnet tinydocker " + string.Join(' ', verb);

            Assert.True(help.ExitCode == 0, $"{path} --help\n{help}");
            Assert.StartsWith($"Usage: {path} ", help.Stdout, StringComparison.Ordinal);
            var examples = help.Stdout.Split("\nExamples:\n", 2);
            Assert.True(examples.Length == 2, $"{path}: no examples\n{help.Stdout}");
            Assert.All(examples[1].Split('\n').TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)),
                l => Assert.StartsWith("  dotnet tinydocker ", l, StringComparison.Ordinal));
        }
        var root = _tool.Run("--help");
        Assert.StartsWith("Usage: dotnet tinydocker [options] COMMAND\n", root.Stdout, StringComparison.Ordinal);
        Assert.DoesNotMatch(VersionLine(), root.Stdout.Split('\n')[0]);
    }

    [Fact]
    public void Hints_name_the_program_and_the_verb()
    {
        var image = _tool.Run("image", "--help");
        var bad = _tool.Run("run", "--no-such-option", "x", "true");
        var badVerb = _tool.Run("image", "frob");

        Assert.Contains("Run 'dotnet tinydocker image COMMAND --help'", image.Stdout, StringComparison.Ordinal);
        Assert.Equal(125, bad.ExitCode);
        Assert.Equal("tinydocker: Unrecognized option '--no-such-option': see 'dotnet tinydocker run --help'\n", bad.Stderr);
        Assert.Equal("", bad.Stdout); // McMaster's own hint, which names neither, is not printed
        Assert.Equal(125, badVerb.ExitCode);
        Assert.Contains("see 'dotnet tinydocker image --help'", badVerb.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockers_spellings_are_the_verbs_they_stand_for()
    {
        Assert.Equal(_tool.Run("run", "--help").Stdout, _tool.Run("help", "run").Stdout);
        Assert.Equal(_tool.Run("image", "ls", "--help").Stdout, _tool.Run("help", "images").Stdout);
        Assert.Equal(_tool.Run("image", "ls", "--help").Stdout, _tool.Run("images", "--help").Stdout);
        Assert.Equal(_tool.Run("image", "pull", "--help").Stdout, _tool.Run("pull", "--help").Stdout);
        Assert.Equal(_tool.Run("image", "rm", "--help").Stdout, _tool.Run("rmi", "--help").Stdout);
        Assert.Equal(_tool.Run("--help").Stdout, _tool.Run("help").Stdout);
        var version = _tool.Run("version");
        Assert.Equal(0, version.ExitCode);
        Assert.Equal(_tool.Run("--version").Stdout, version.Stdout);
        Assert.Matches(VersionLine(), version.Stdout.Trim());
    }

    [ContainerFact]
    public void Images_and_rmi_act_on_the_store_and_rmi_takes_several_names()
    {
        string tarball = Path.Combine(_work, "rootfs.tar");
        Assert.Equal(0, Shell.Run("tar", ["-C", _image.Dir, "-cf", tarball, "."]).ExitCode);
        Assert.Equal(0, _tool.Run("image", "import", tarball, "one:1").ExitCode);
        Assert.Equal(0, _tool.Run("image", "import", tarball, "two:2").ExitCode);

        var images = _tool.Run("images");
        var ls = _tool.Run("image", "ls");
        var rmi = _tool.Run("rmi", "one:1", "nope:9", "two:2");

        Assert.Equal(ls.Stdout, images.Stdout);
        Assert.Contains("one:1", images.Stdout, StringComparison.Ordinal);
        Assert.Equal(125, rmi.ExitCode);
        Assert.StartsWith("removed one:1\nremoved two:2\nremoved sha256:", rmi.Stdout, StringComparison.Ordinal); // its last name: the image goes too
        Assert.Equal("tinydocker: no such image `nope:9`\n", rmi.Stderr);
        Assert.DoesNotContain("two:2", _tool.Run("images").Stdout, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void Rmi_before_anything_was_imported_says_no_such_image_and_creates_no_store()
    {
        var rmi = _tool.Run("rmi", "nope:9");

        Assert.Equal(125, rmi.ExitCode);
        Assert.Equal("tinydocker: no such image `nope:9`\n", rmi.Stderr);
        Assert.False(Directory.Exists(_tool.DataRoot), "the store was created by a removal");
    }

    [ContainerFact]
    public void Platform_without_an_image_is_refused_not_ignored()
    {
        var run = _tool.Run("run", "--platform", "linux/arm64", "plat1", "true");

        Assert.Equal(125, run.ExitCode);
        Assert.Equal("tinydocker: --platform chooses among an image's platforms: it needs --image\n", run.Stderr);
    }

    [ContainerFact]
    public void Rm_is_accepted_and_the_container_is_removed_as_always()
    {
        var r = _tool.Run(["run", "--rm", "--image", _image.Dir, "feel-rm", "echo", "ran"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("ran\n", r.Stdout);
        Assert.Empty(_tool.StateEntries());
    }

    [ContainerFact]
    public void The_current_directory_is_shared_copy_on_write_and_no_cwd_shares_nothing()
    {
        File.WriteAllText(Path.Combine(_work, "mine"), "host file\n");

        var shared = _tool.Run(["run", "--image", _image.Dir, "feel-cwd", "sh", "-c", "pwd; cat mine; echo changed > mine; cat mine"], workingDirectory: _work);
        var hidden = _tool.Run(["run", "--no-cwd", "--image", _image.Dir, "feel-nocwd", "sh", "-c", $"pwd; ls {_work} 2>&1; cat {_work}/mine 2>&1; true"], workingDirectory: _work);

        Assert.Equal($"{_work}\nhost file\nchanged\n", shared.Stdout);
        Assert.Equal("host file\n", File.ReadAllText(Path.Combine(_work, "mine"))); // copy-on-write: the host file is untouched
        Assert.True(hidden.ExitCode == 0, hidden.ToString());
        Assert.StartsWith("/\n", hidden.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("host file", hidden.Stdout, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", hidden.Stdout, StringComparison.Ordinal);
    }

    [ContainerFact]
    public void Stop_and_kill_take_several_names_and_report_each_that_is_not_running()
    {
        using var a = StartLive("feel-a");
        using var b = StartLive("feel-b");
        using var c = StartLive("feel-c");

        var stop = _tool.Run("stop", "-t", "5s", "feel-a", "feel-missing", "feel-b");
        var kill = _tool.Run("kill", "feel-c", "feel-gone");

        Assert.Equal(125, stop.ExitCode);
        Assert.Equal("feel-a\nfeel-b\n", stop.Stdout);
        Assert.Equal("tinydocker: no running container named `feel-missing`\n", stop.Stderr);
        Assert.Equal(125, kill.ExitCode);
        Assert.Equal("feel-c\n", kill.Stdout);
        Assert.Equal("tinydocker: no running container named `feel-gone`\n", kill.Stderr);
        Assert.True(a.WaitForExit(10_000) && b.WaitForExit(10_000) && c.WaitForExit(10_000));
        Assert.Equal([5, 5, 137], new[] { a.ExitCode, b.ExitCode, c.ExitCode });
        Assert.Equal(125, _tool.Run("stop", "feel-a").ExitCode); // gone now: a failure, not a silent success
    }

    private Process StartLive(string name)
    {
        var p = _tool.Start(["run", "--image", _image.Dir, name, "sh", "-c", "trap 'exit 5' TERM; echo ready; while true; do sleep 0.05; done"]);
        Assert.Equal("ready", p.StandardOutput.ReadLine());
        return p;
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex VersionLine();

    public void Dispose()
    {
        _tool.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
