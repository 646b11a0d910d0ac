namespace TinyDocker.Services.Tests;

/// <summary>What a container may have left, looked for only under this test's state root and name (other agents' containers run beside).</summary>
internal static class Leftovers
{
    public static void AssertNone(ServiceImages images, string name)
    {
        var ps = images.Tool.Run(["ps", "-a"]);
        Assert.Equal(0, ps.ExitCode);
        Assert.DoesNotContain(name, ps.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(images.Tool.StateRoot, name)), $"state directory of {name} left");
        string container = Path.Combine(images.Tool.StateRoot, name);
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(container, StringComparison.Ordinal));
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue; // exited meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            Assert.False(cmdline.Contains($" {name} ", StringComparison.Ordinal), $"process {Path.GetFileName(dir)} of {name} left: {cmdline}");
        }
    }
}
