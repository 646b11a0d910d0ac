using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Rootless;

namespace TinyDocker.Runtime.Tests;

/// <summary>
/// The decision behind the refusal on kernels without overlayfs in a user namespace (before 5.11).
/// This machine's kernel has it, so the refusal itself cannot be seen here: only its inputs are forced.
/// </summary>
public sealed class OverlaySupportTests
{
    [Theory]
    [InlineData("5.10.0-28-amd64")] // Debian 11
    [InlineData("4.19.0-26-amd64")]
    [InlineData("5.4.0-150-generic")]
    public void An_overlay_refused_with_eperm_in_a_user_namespace_before_5_11_is_one_line_naming_the_kernel(string release)
    {
        var refusal = SharedRefusal(release, Errno.EPERM, inUserNamespace: true);

        Assert.NotNull(refusal);
        Assert.DoesNotContain('\n', refusal);
        Assert.Contains($"Linux 5.11 or later (overlayfs in a user namespace); this kernel is {release}", refusal, StringComparison.Ordinal);
        Assert.EndsWith("or run as root", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5.11.0", Errno.EPERM, true)]   // the kernel allows it: an EPERM is something else
    [InlineData("6.18.0-1-amd64", Errno.EPERM, true)]
    [InlineData("5.10.0-28-amd64", Errno.EINVAL, true)] // another failure keeps its own message
    [InlineData("5.10.0-28-amd64", Errno.EPERM, false)] // rootful
    [InlineData("garbage", Errno.EPERM, true)]
    public void Anything_else_keeps_the_mounts_own_error(string release, int errno, bool inUserNamespace)
    {
        Assert.Null(SharedRefusal(release, errno, inUserNamespace));
    }

    private static string? SharedRefusal(string release, int errno, bool inUserNamespace)
        => OverlaySupport.Refusal(release + "\n", errno, inUserNamespace);
}
