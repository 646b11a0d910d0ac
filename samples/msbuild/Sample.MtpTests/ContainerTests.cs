namespace Sample.MtpTests;

[TestClass]
public sealed class ContainerTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>Meant for `dotnet test -p:TinyContainer=true`; on the bare host it fails, saying so.</summary>
    [TestMethod]
    public void Runs_in_a_throwaway_container()
    {
        string pid1 = File.ReadAllText("/proc/1/cmdline").Replace('\0', ' ');
        string hostname = File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        TestContext.WriteLine($"hostname: {hostname}");

        // tinydocker's init is PID 1 of the container's own PID namespace...
        Assert.IsTrue(pid1.Contains("__init", StringComparison.Ordinal) || pid1.Contains("tinydocker-init", StringComparison.Ordinal), $"not in a tinydocker container: PID 1 is `{pid1}`");
        // ...and the hostname is the container's name: by default the project's name and a suffix.
        Assert.StartsWith("Sample.MtpTests-", hostname);
        Assert.AreEqual("warm", Describe(25));
    }

    /// <summary>Hangs with `--test-parameter hang=1`, else passes at once: for `--hangdump` and `--timeout`.</summary>
    [TestMethod]
    public void Hangs_when_asked()
    {
        if (TestContext.Properties.TryGetValue("hang", out var hang) && hang as string == "1")
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }

    /// <summary>A little code of this assembly for coverage to count (`--coverlet`).</summary>
    private static string Describe(double celsius) => celsius < 20 ? "cool" : "warm";
}
