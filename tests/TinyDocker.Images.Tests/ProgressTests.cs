using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>
/// Import and pull draw progress on stderr when it is a terminal, and only then: a log (stderr to a
/// file) gets none, whatever stdout is. The terminal is a real pseudo-terminal, from script(1).
/// </summary>
public sealed class ProgressTests : IDisposable
{
    private readonly ImageTestBed _bed = new();

    [RootFact]
    public void Import_shows_progress_on_a_terminal_and_never_in_a_log()
    {
        // Three layouts whose top layers differ, so that each import has a layer to read (one in the store is skipped unread).
        string[] layouts = new[] { "a", "b", "c" }.Select(n => _bed.ScratchPath(n)).ToArray();
        foreach (var layout in layouts)
        {
            RegistryTests.TwoLayers("progress " + layout).WriteLayout(layout);
        }
        string exe = TinyTool.Executable;
        string env = $"TINYDOCKER_DATA={_bed.DataRoot} TINYDOCKER_ROOT={_bed.Tool.StateRoot}";
        string log = _bed.ScratchPath("stderr.log");

        // stdout piped (as in id=$(…)), stderr the terminal: progress is drawn.
        var terminal = Shell.Run("script", ["-qec", $"env {env} {exe} image import {layouts[0]} p:1 | cat > {_bed.ScratchPath("id")}", "/dev/null"]);
        // stdout the terminal, stderr a log: none.
        var logged = Shell.Run("script", ["-qec", $"env {env} {exe} image import {layouts[1]} p:2 2> {log}", "/dev/null"]);
        var plain = _bed.Ok("image", "import", layouts[2], "p:3");

        Assert.True(terminal.ExitCode == 0, terminal.ToString());
        Assert.Contains("layer 2/2 ", terminal.Stdout, StringComparison.Ordinal);
        Assert.Contains("\x1b[K", terminal.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("sha256:", File.ReadAllText(_bed.ScratchPath("id")), StringComparison.Ordinal);
        Assert.True(logged.ExitCode == 0, logged.ToString());
        Assert.Equal("", File.ReadAllText(log));
        Assert.Equal("", plain.Stderr);
    }

    public void Dispose() => _bed.Dispose();
}
