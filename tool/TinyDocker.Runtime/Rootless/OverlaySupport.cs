// Runs in: the container's init, when an overlay mount has failed (before the pivot).
using System.Globalization;

namespace TinyDocker.Runtime.Rootless;

/// <summary>
/// overlayfs may be mounted in a user namespace only since Linux 5.11 (FS_USERNS_MOUNT); before it
/// the mount fails with a bare EPERM. Only that combination (in a user namespace of its own, EPERM,
/// a release below 5.11) becomes the one-line refusal: a kernel that allows it earlier (Ubuntu's
/// patched 5.4, say) never fails this way, and any other failure keeps its own message.
/// </summary>
internal static class OverlaySupport
{
    /// <summary>The refusal for an overlay mount that failed with <paramref name="errno"/>; null when it is not this one.</summary>
    public static string? Refusal(string kernelRelease, int errno, bool inUserNamespace)
    {
        if (!inUserNamespace || errno != Interop.Errno.EPERM || Version(kernelRelease) is not { } v || v.Major > 5 || (v.Major == 5 && v.Minor >= 11))
        {
            return null;
        }
        return $"rootless containers need Linux 5.11 or later (overlayfs in a user namespace); this kernel is {kernelRelease.Trim()}: "
            + "upgrade the kernel, or run as root";
    }

    /// <summary>MAJOR.MINOR of a release string such as `5.10.0-28-amd64`; null when it has none.</summary>
    private static (int Major, int Minor)? Version(string release)
    {
        var parts = release.Trim().Split('.', 3);
        return parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            && int.TryParse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out int minor)
            ? (major, minor) : null;
    }
}
