using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// `diff` and `--keep-upper` of a container whose image is the host's root: rootful one overlay,
/// rootless one overlay per top-level directory beside the root's own writes. Both must give the
/// same lines and the same saved tree, the container's links kept as links, its FIFO never opened.
/// </summary>
public sealed class HostRootChangesTests : IDisposable
{
    // Added, changed (a directory), deleted (a whiteout), a link out of the container, a FIFO, a name with a newline,
    // at the root's top (the rootless root's own writes) and in its directories (rootless: their overlays).
    private const string Script = "touch /etc/td-new; ln -s / /etc/td-out; rm /etc/hostname; echo t > /td-top; ln -s /etc/shadow /td-link; "
        + "mkfifo /etc/td-fifo; mkdir /var/td-dir; echo x > /var/td-dir/f; printf a > /etc/\"$(printf 'n\\nl')\"";

    private const string Expected = "C /etc\nD /etc/hostname\nA /etc/n?l\nA /etc/td-fifo\nA /etc/td-new\nA /etc/td-out\nA /td-link\nA /td-top\n"
        + "C /var\nA /var/td-dir\nA /var/td-dir/f\n";

    private readonly TinyTool _tool = new();
    private readonly string _keep = Directory.CreateTempSubdirectory("tinydocker-keep-").FullName;

    [ContainerFact]
    public void Diff_lists_the_changes_to_the_hosts_root() => Diff(_tool);

    [RootlessFact]
    public void Diff_lists_the_changes_to_the_hosts_root_rootless() => Diff(As(RootlessUser.WithRanges));

    [ContainerFact]
    public void Keep_upper_saves_the_changes_to_the_hosts_root_as_one_upper() => KeepUpper(_tool);

    [RootlessFact]
    public void Keep_upper_saves_the_changes_to_the_hosts_root_as_one_upper_rootless() => KeepUpper(As(RootlessUser.WithRanges));

    private TinyTool As(RootlessUser? user)
    {
        _tool.RunAs = user ?? throw new InvalidOperationException("no rootless user");
        user.Own(_keep);
        return _tool;
    }

    private static void Diff(TinyTool tool)
    {
        using var run = tool.Start("run", "--no-cwd", "hr-diff", "sh", "-c", Script + "; echo ready; read x < /etc/td-fifo");
        Assert.Equal("ready", run.StandardOutput.ReadLine());

        var r = tool.Run("diff", "hr-diff");

        Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
        // Nothing of the host's root that the container left alone (the host's links, /usr, the mount points).
        Assert.Equal(Expected, r.Stdout);
        Assert.Equal(0, tool.Run("kill", "hr-diff").ExitCode);
        run.WaitForExit();
        run.StandardError.ReadToEnd();
    }

    private void KeepUpper(TinyTool tool)
    {
        string keep = Path.Combine(_keep, "upper");
        var r = tool.Run("run", "--no-cwd", "--keep-upper", keep, "hr-keep", "sh", "-c", Script);

        Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
        string root = Path.Combine(keep, "root");
        // find never follows a link (.NET's recursive enumeration would walk etc/td-out into the host's root).
        var saved = Shell.Run("find", [root, "-mindepth", "1", "-printf", "%y %P%l\\0"]).Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(["c etc/hostname", "d etc", "d var", "d var/td-dir", "f etc/n\nl", "f etc/td-new", "f td-top", "f var/td-dir/f",
            "l etc/td-out/", "l td-link/etc/shadow"], saved);
        Assert.Equal("x\n", File.ReadAllText(Path.Combine(root, "var/td-dir/f")));
        Assert.Equal(0, new FileInfo(Path.Combine(root, "etc/hostname")).Length); // a whiteout (0/0 character device), made 0600
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(root, "etc/hostname")));
    }

    public void Dispose()
    {
        _tool.Dispose();
        Directory.Delete(_keep, recursive: true);
    }
}
