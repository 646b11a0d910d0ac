using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>
/// Results written on the host from what a container left (`--copy-out`, `--keep-upper`): a
/// planted link must never lead a write, a chmod or an overwrite outside the destination, on a
/// re-run, a reused directory or overlapping items. Each ends with the host canary checked.
/// </summary>
public sealed class HostWriteTests : EscapeTestBase
{
    private readonly string _victim;

    public HostWriteTests(BusyboxImage image)
        : base(image)
    {
        // A host directory the attacks aim at: mode 0755, one file the container wants to overwrite.
        _victim = Path.Combine(WorkDir, "victim");
        Directory.CreateDirectory(_victim);
        File.SetUnixFileMode(_victim, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(_victim, "keep"), "host\n");
    }

    private void AssertVictimUntouched()
    {
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(_victim));
        Assert.Equal(["keep"], Directory.EnumerateFileSystemEntries(_victim).Select(Path.GetFileName));
        Assert.Equal("host\n", File.ReadAllText(Path.Combine(_victim, "keep")));
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void A_re_run_of_the_same_copy_out_does_not_write_through_a_link_left_by_the_first()
    {
        string output = Path.Combine(WorkDir, "out");
        // The second run copies into out/r (docker cp: into an existing directory), where the first left r -> victim.
        string attack = $"mkdir /r && ln -s {_victim} /r/r && ln -s {Host.Canary} /r/canary && chmod 777 /r "
            + $"&& echo pwned > /r/keep && echo pwned > /r/canary-too && ln -s {Host.Target} /r/target";
        string[] options = ["--copy-out", $"/r:{output}"];

        var first = Busybox(attack, options);
        Assert.True(first.ExitCode == 0, first.ToString());
        // Real: the first run's results hold a link into the victim; a writer that follows links would land there.
        Assert.Equal(_victim, new FileInfo(Path.Combine(output, "r")).LinkTarget);

        var second = Busybox(attack, options);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Null(new FileInfo(Path.Combine(output, "r")).LinkTarget); // replaced by a directory
        Assert.Equal("pwned\n", File.ReadAllText(Path.Combine(output, "r", "keep")));
        Assert.Equal(Host.Canary, new FileInfo(Path.Combine(output, "r", "canary")).LinkTarget);
        AssertVictimUntouched();
    }

    [ContainerFact]
    public void A_second_copy_out_of_a_file_replaces_a_planted_link_instead_of_writing_through_it()
    {
        string output = Path.Combine(WorkDir, "out");
        // First run: out/log is a link to the canary. Second run: a file copied to out/log.
        var first = Busybox($"mkdir /r && ln -s {Host.Canary} /r/log", "--copy-out", $"/r:{output}");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(Host.Canary, new FileInfo(Path.Combine(output, "log")).LinkTarget);

        var second = Busybox("echo pwned > /log", "--copy-out", $"/log:{output}/log");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Null(new FileInfo(Path.Combine(output, "log")).LinkTarget);
        Assert.Equal("pwned\n", File.ReadAllText(Path.Combine(output, "log")));
        AssertVictimUntouched();
    }

    [ContainerFact]
    public void Overlapping_copy_out_items_do_not_write_through_a_link_the_first_item_made()
    {
        string output = Path.Combine(WorkDir, "out");

        var r = Busybox($"mkdir /a && ln -s {_victim} /a/sub && echo pwned > /keep",
            "--copy-out", $"/a:{output}/a", "--copy-out", $"/keep:{output}/a/sub/keep");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("pwned\n", File.ReadAllText(Path.Combine(output, "a", "sub", "keep")));
        Assert.Null(new FileInfo(Path.Combine(output, "a", "sub")).LinkTarget);
        AssertVictimUntouched();
    }

    [ContainerFact]
    public void A_copy_out_into_a_read_write_volume_does_not_follow_a_link_the_container_planted_above_the_destination()
    {
        string volume = Path.Combine(WorkDir, "vol");
        Directory.CreateDirectory(volume);

        var r = Busybox($"mkdir /r && echo pwned > /r/keep && ln -s {_victim} /vol/a && ls -l /vol",
            "-v", $"{volume}:/vol", "--copy-out", $"/r:{volume}/a/b/out");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"a -> {_victim}", r.Stdout, StringComparison.Ordinal); // real: the link was there, above the destination
        Assert.Null(new FileInfo(Path.Combine(volume, "a")).LinkTarget);
        Assert.Equal("pwned\n", File.ReadAllText(Path.Combine(volume, "a", "b", "out", "keep")));
        AssertVictimUntouched();
    }

    [ContainerFact]
    public void A_reused_keep_upper_directory_is_not_written_through_a_link_the_last_run_kept()
    {
        string keep = Path.Combine(WorkDir, "upper");

        var first = Busybox($"ln -s {_victim} /x", "--keep-upper", keep);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(_victim, new FileInfo(Path.Combine(keep, "root", "x")).LinkTarget);

        var second = Busybox("mkdir /x && chmod 777 /x && echo pwned > /x/keep && echo pwned > /x/new", "--keep-upper", keep);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("pwned\n", File.ReadAllText(Path.Combine(keep, "root", "x", "keep")));
        AssertVictimUntouched();
    }

    [RootFact("the copies are given to sudo's user, and only root may chown to another user; a user namespace makes no device node")]
    public void Setuid_bits_and_device_nodes_are_not_reproduced_and_the_copies_belong_to_the_invoking_user()
    {
        string output = Path.Combine(WorkDir, "out");
        string keep = Path.Combine(WorkDir, "upper");
        var env = new Dictionary<string, string> { ["SUDO_UID"] = "4321", ["SUDO_GID"] = "4322" };
        string script = "mkdir -p /r/d && cp /bin/busybox /r/s && chmod 6755 /r/s && chmod 3777 /r/d "
            + "&& mknod /r/null c 1 3 && mkfifo /r/fifo && rm /bin/vi && stat -c %a /r/s";

        var r = RunWithEnvironment(env, ["run", "--image", ImageDir, "--copy-out", $"/r:{output}", "--keep-upper", keep, "suid", "sh", "-c", script]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("6755\n", r.Stdout); // real: inside, the binary was setuid and setgid
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(output, "s")));
        Assert.Equal((UnixFileMode)0b111_111_111, File.GetUnixFileMode(Path.Combine(output, "d")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(keep, "root", "r", "s")));
        Assert.Equal(["d", "s"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName).Order());
        Assert.Equal("4321:4322\n", Shell.Run("stat", ["-c", "%u:%g", Path.Combine(output, "s")]).Stdout);
        // keep-upper keeps whiteouts (0/0 character devices: the deleted /bin/vi), made 0600, and no other node.
        Assert.Equal("character special file 600 0,0 4321:4322\n", Shell.Run("stat", ["-c", "%F %a %t,%T %u:%g", Path.Combine(keep, "root", "bin", "vi")]).Stdout);
        Assert.False(Path.Exists(Path.Combine(keep, "root", "r", "null")));
        Assert.False(Path.Exists(Path.Combine(keep, "root", "r", "fifo")));
        AssertVictimUntouched();
    }

    [ContainerFact]
    public void Diff_reads_the_upper_layer_without_following_its_links_and_lists_any_name()
    {
        string name = $"diff-{Guid.NewGuid():N}"[..16];
        var holder = Tool.StartInfo(["run", "--image", ImageDir, name, "sh", "-c",
            $"ln -s / /loop && ln -s {_victim} /victim && mkdir /d && echo > /d/f && echo > /$(printf 'n\\377m') && echo > \"/$(printf 'x\\nD etc')\" && echo > \"/$(printf 'e\\033]0;t\\007')\" && echo ready > /ready && sleep 60"], WorkDir);
        using var p = System.Diagnostics.Process.Start(holder)!;
        try
        {
            ToolResult diff = new(1, "", "");
            for (int i = 0; i < 400 && !diff.Stdout.Contains("A /ready", StringComparison.Ordinal); i++)
            {
                Thread.Sleep(25);
                diff = Tool.Run("diff", name);
            }

            Assert.True(diff.ExitCode == 0, diff.ToString());
            var lines = diff.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("A /loop", lines);
            Assert.Contains("A /victim", lines);
            Assert.Contains("A /d/f", lines);
            Assert.Contains("A /n?m", lines); // a name that is not UTF-8 is listed, shown with '?'
            // A name cannot forge a line of its own, nor send a terminal escape sequence.
            Assert.Contains("A /x?D etc", lines);
            Assert.DoesNotContain("D etc", lines);
            Assert.Contains("A /e?]0;t?", lines);
            Assert.DoesNotContain('\x1b', diff.Stdout);
            Assert.DoesNotContain(lines, l => l.StartsWith("A /loop/", StringComparison.Ordinal) || l.StartsWith("A /victim/", StringComparison.Ordinal));
        }
        finally
        {
            Tool.Run("kill", name);
            p.WaitForExit();
        }
        AssertVictimUntouched();
    }

    [ContainerFact]
    public void Results_that_are_a_link_into_proc_do_not_carry_the_host_tools_environment_out()
    {
        const string Secret = "TD_HOST_SECRET=ci-token-tinydocker";
        var env = new Dictionary<string, string> { ["TD_HOST_SECRET"] = "ci-token-tinydocker" };
        string output = Path.Combine(WorkDir, "out");

        var r = RunWithEnvironment(env, ["run", "--image", ImageDir, "--copy-out", $"/r:{output}", "--copy-out", $"/s:{output}-dir",
            "envleak", "sh", "-c", "ln -s /proc/1/environ /r && ln -s /proc/1 /s"]);

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.Contains("`/r` not copied: it is in /proc", r.Stderr, StringComparison.Ordinal);
        Assert.False(Path.Exists(output));
        Assert.False(Path.Exists(output + "-dir"));
        // The link was real: the container's PID 1 exists and its environ is readable by root on the
        // host; since the init gets only PATH and DOTNET_*, the secret is not in it either.
        var holder = Tool.StartInfo(["run", "--image", ImageDir, "envhold", "sleep", "30"], WorkDir);
        holder.Environment["TD_HOST_SECRET"] = "ci-token-tinydocker";
        using var p = System.Diagnostics.Process.Start(holder)!;
        try
        {
            string pidFile = Path.Combine(Tool.StateRoot, "envhold", "pid");
            for (int i = 0; i < 400 && !(File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n')); i++)
            {
                Thread.Sleep(25);
            }
            string environ = File.ReadAllText($"/proc/{File.ReadAllText(pidFile).Trim()}/environ");
            Assert.Contains("PATH=", environ, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, environ, StringComparison.Ordinal);
        }
        finally
        {
            Tool.Run("kill", "envhold");
            p.WaitForExit();
        }
        AssertVictimUntouched();
    }
}
