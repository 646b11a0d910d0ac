using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>The seed's own scenario: two containers from one image do not see each other's writes, and the image is unchanged.</summary>
public sealed class SeedScenarioTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public SeedScenarioTests(BusyboxImage image) => _image = image;

    [ContainerFact]
    public void A_directory_made_in_one_container_is_not_seen_in_another_and_the_image_is_unchanged()
    {
        string before = TreeSnapshot.Of(_image.Dir);

        var first = _tool.Run("run", "--image", _image.Dir, "hello1", "sh", "-c", "mkdir /test && ls -d /test");
        var second = _tool.Run("run", "--image", _image.Dir, "hello2", "--", "ls", "-l", "/");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("/test\n", first.Stdout);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("test", second.Stdout.Split('\n').Select(l => l.Split(' ').Last()));
        Assert.Equal(before, TreeSnapshot.Of(_image.Dir));
        Assert.Empty(_tool.StateEntries());
    }

    public void Dispose() => _tool.Dispose();
}
