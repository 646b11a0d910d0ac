using TinyDocker.Runtime.Rootless;

namespace TinyDocker.Runtime.Tests;

/// <summary>Whether a rootless joiner may share another container's user namespace: only with exactly the ids it would have made.</summary>
public sealed class SharedUserNamespaceTests
{
    private static readonly IdMap Ranged = new(1000, 1001, new SubordinateRange(100000, 65536), new SubordinateRange(200000, 65536));
    private static readonly IdMap Single = new(1000, 1001, null, null);

    [Fact]
    public void The_same_users_map_is_shared_as_the_kernel_prints_it()
    {
        Assert.Null(SharedUserNamespace.Problem(Ranged, "         0       1000          1\n         1     100000      65536\n",
            "         0       1001          1\n         1     200000      65536\n"));
        Assert.Null(SharedUserNamespace.Problem(Single, "0 1000 1\n", "0 1001 1\n"));
    }

    [Theory]
    [InlineData("0 0 4294967295\n", "0 0 4294967295\n", "it is not rootless")] // a rootful container: the host's ids
    [InlineData("0 1000 1\n", "0 1001 1\n", "maps other ids")] // made without the ranges
    [InlineData("0 1000 1\n1 300000 65536\n", "0 1001 1\n1 200000 65536\n", "maps other ids")] // another uid range
    [InlineData("0 1000 1\n1 100000 65536\n", "0 1002 1\n1 200000 65536\n", "maps other ids")] // another group
    [InlineData("0 2000 1\n1 100000 65536\n", "0 1001 1\n1 200000 65536\n", "maps other ids")] // another user
    [InlineData("", "", "maps other ids")]
    public void Any_other_map_is_refused_saying_why(string uidMap, string gidMap, string why)
    {
        Assert.Contains(why, SharedUserNamespace.Problem(Ranged, uidMap, gidMap), StringComparison.Ordinal);
    }
}
