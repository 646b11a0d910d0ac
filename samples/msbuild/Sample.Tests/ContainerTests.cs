using Xunit.Abstractions;

namespace Sample.Tests;

public class ContainerTests(ITestOutputHelper output)
{
    /// <summary>Meant for `dotnet test -p:TinyContainer=true`; on the bare host it fails, saying so.</summary>
    [Fact]
    public void Runs_in_a_throwaway_container()
    {
        string pid1 = File.ReadAllText("/proc/1/cmdline").Replace('\0', ' ');
        string hostname = File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        output.WriteLine($"hostname: {hostname}");

        // tinydocker's init (the CLI in init mode, or tinydocker-init beside it) is PID 1 of the container's own PID namespace...
        Assert.True(pid1.Contains("__init", StringComparison.Ordinal) || pid1.Contains("tinydocker-init", StringComparison.Ordinal), $"not in a tinydocker container: PID 1 is `{pid1}`");
        // ...and the hostname is the container's name: by default the project's name and a suffix.
        Assert.StartsWith("Sample.Tests-", hostname, StringComparison.Ordinal);
        Assert.Equal("cool", Thermometer.Describe(12));
    }

    /// <summary>Hangs when SAMPLE_HANG=1 (`dotnet test -e SAMPLE_HANG=1 --blame-hang-timeout 5s`), else passes at once.</summary>
    [Fact]
    public void Hangs_when_asked()
    {
        if (Environment.GetEnvironmentVariable("SAMPLE_HANG") == "1")
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
