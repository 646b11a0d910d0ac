using System.Runtime.InteropServices;
using System.Text.Json;
using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>`image rm` and `image prune`: names go, unused layers go, a live container's layers stay.</summary>
public sealed partial class PruneTests : IDisposable
{
    private readonly ImageTestBed _bed = new();

    [RootFact]
    public void Prune_keeps_the_layers_of_a_running_container_and_removes_them_once_it_is_gone()
    {
        _bed.Ok("image", "import", Layout(), "doomed:1");
        var layers = _bed.LayerDirs();
        using var container = _bed.Tool.Start("run", "--image", "doomed:1", "sleeper", "sleep", "60");
        try
        {
            WaitUntilRunning("sleeper");

            var removed = _bed.Ok("image", "rm", "doomed:1");
            var whileRunning = _bed.Ok("image", "prune");
            // From another state root the container is not listed: the run's pin in the store keeps its layers.
            using var elsewhere = new TinyTool();
            elsewhere.Environment["TINYDOCKER_DATA"] = _bed.DataRoot;
            var fromElsewhere = elsewhere.Run("image", "prune");

            Assert.Contains("removed doomed:1", removed.Stdout);
            Assert.DoesNotContain("layer", whileRunning.Stdout);
            Assert.True(fromElsewhere.ExitCode == 0, fromElsewhere.ToString());
            Assert.DoesNotContain("layer", fromElsewhere.Stdout);
            Assert.Equal(layers, _bed.LayerDirs());
        }
        finally
        {
            Kill(container.Id, 15); // SIGTERM, forwarded to the container: the run ends cleanly
            container.WaitForExit();
        }

        var afterwards = _bed.Ok("image", "prune");

        Assert.Equal(layers.Count, afterwards.Stdout.Split('\n').Count(l => l.StartsWith("removed layer", StringComparison.Ordinal)));
        Assert.Empty(_bed.LayerDirs());
        Assert.Empty(_bed.TmpEntries());
    }

    [RootFact]
    public void Rm_of_one_name_keeps_the_image_for_its_other_names_and_an_unknown_name_is_an_error()
    {
        string layout = Layout();
        _bed.Ok("image", "import", layout, "a:1");
        _bed.Ok("image", "import", layout, "b:1");

        _bed.Ok("image", "rm", "a:1");
        var prune = _bed.Ok("image", "prune");
        var unknown = _bed.Run("image", "rm", "a:1");

        Assert.Equal("", prune.Stdout);
        Assert.Equal(2, _bed.LayerDirs().Count);
        Assert.Equal("hi", _bed.Ok("run", "--image", "b:1", "c1", "cat", "/hello.txt").Stdout);
        Assert.Equal(125, unknown.ExitCode);
        using var ls = JsonDocument.Parse(_bed.Ok("image", "ls", "--format", "json").Stdout);
        Assert.Equal(["b:1"], ls.RootElement.EnumerateArray().SelectMany(i => i.GetProperty("tags").EnumerateArray().Select(t => t.GetString())));
    }

    private string Layout()
    {
        string dir = _bed.ScratchPath("layout");
        if (!Directory.Exists(dir))
        {
            RegistryTests.TwoLayers("hi").WriteLayout(dir);
        }
        return dir;
    }

    private void WaitUntilRunning(string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var ps = JsonDocument.Parse(_bed.Ok("ps", "--format", "json").Stdout);
            if (ps.RootElement.EnumerateArray().Any(c => c.GetProperty("name").GetString() == name && c.GetProperty("running").GetBoolean()))
            {
                return;
            }
            Thread.Sleep(100);
        }
        throw new TimeoutException($"container {name} did not start");
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    public void Dispose() => _bed.Dispose();
}
