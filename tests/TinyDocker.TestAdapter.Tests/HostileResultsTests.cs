using TinyDocker.Client;
using TinyDocker.Testing;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>
/// A case is the container's code: what it leaves in $TINYDOCKER_RESULTS and in its upper layer is
/// its to choose. Real runs of the built CLI through the case runner, as the adapter makes them.
/// </summary>
public sealed class HostileResultsTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("tinydocker-hostile-").FullName;
    private readonly TinyTool _tool = new();

    private CaseRun Run(string script, bool keepChanges = false)
    {
        string path = Path.Combine(_project, "case.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var c = new ContainerCase("case.sh", path, _project, null, "60", null, null, Path.Combine(_project, "p.dll")) { KeepChangesOnFailure = keepChanges };
        var runner = new CaseRunner(CliTool.For(TinyTool.Executable, preferNative: false), new CaseDefaults(null, _tool.StateRoot), Path.Combine(_project, "results"), new LiveProcesses());
        return runner.RunAsync(c).GetAwaiter().GetResult()!;
    }

    [ContainerFact]
    public void A_symlink_left_in_the_results_is_never_attached_nor_followed()
    {
        var run = Run("""
            ln -s /etc/shadow "$TINYDOCKER_RESULTS/shadow"
            ln -s / "$TINYDOCKER_RESULTS/host-root"
            mkdir "$TINYDOCKER_RESULTS/logs" && echo fine > "$TINYDOCKER_RESULTS/logs/app.log"
            exit 1
            """);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([Path.Combine(run.ResultsDir, "logs", "app.log")], run.Files);
        // Counter-proof: the links are there (copy-out keeps them as links), and a plain recursive
        // listing would attach /etc/shadow and walk into the host's root.
        Assert.NotNull(new FileInfo(Path.Combine(run.ResultsDir, "shadow")).LinkTarget);
        Assert.Contains(Directory.EnumerateFiles(run.ResultsDir, "*", SearchOption.TopDirectoryOnly), f => f.EndsWith("/shadow", StringComparison.Ordinal));
        // The evidence lists the links without following them (no host path under /host-root).
        string changes = File.ReadAllText(Assert.Single(run.Evidence));
        Assert.DoesNotContain("/host-root/", changes);
    }

    [ContainerFact]
    public void The_upper_layer_is_archived_with_links_as_links_and_whiteouts_as_deletions_and_removed_from_the_host_after()
    {
        var run = Run("""
            ln -s / /escape
            mkdir -p /var/case && echo data > /var/case/file
            rm /etc/motd 2>/dev/null || rm /etc/issue
            exit 2
            """, keepChanges: true);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["changes.txt", "upper.tar"], run.Evidence.Select(Path.GetFileName));
        string changes = File.ReadAllText(run.Evidence[0]);
        Assert.Contains("A /escape\n", changes);
        Assert.Contains("A /var/case/file\n", changes);
        Assert.Matches(@"D /etc/(motd|issue)\n", changes);
        Assert.DoesNotContain("/escape/", changes);
        var tar = Shell.Run("tar", ["-tvf", run.Evidence[1]]);
        Assert.Matches(@"l\S+ .* root/escape -> /", tar.Stdout);
        Assert.Matches(@"c\S+ .* root/etc/(motd|issue)", tar.Stdout);
        // The saved layer itself (root-owned, the container's) is gone from the host.
        Assert.Empty(Directory.GetDirectories(Path.Combine(_project, "results"), ".run-*"));
        Assert.Empty(_tool.StateEntries());
    }

    public void Dispose()
    {
        _tool.Dispose();
        Directory.Delete(_project, recursive: true);
    }
}
