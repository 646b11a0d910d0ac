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
        Assert.IsTrue(pid1.Contains("__init", StringComparison.Ordinal), $"not in a tinydocker container: PID 1 is `{pid1}`");
        // ...and the hostname is the container's name: by default the project's name and a suffix.
        Assert.StartsWith("Sample.MtpTests-", hostname);
    }
}
