// Runs in: the host tool (root, or an ordinary user without subordinate ids), or the layer helper
// in the store's user namespace (Rootless/LayerInUserNamespace.cs).
using System.Formats.Tar;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// How a layer is written. <paramref name="Chown"/>: entries get their numeric owners (root; or the
/// helper in a user namespace, where they land on the ids the map gives them). <paramref name="Markers"/>:
/// the opaque xattr's convention, the store's. <paramref name="InUserNamespace"/>: the helper, where an
/// owner the map lacks is refused.
/// </summary>
internal sealed record ExtractMode(bool Chown, MarkerXattrs Markers, bool InUserNamespace)
{
    /// <summary>
    /// This process on the host: root keeps every owner and writes trusted.overlay.* markers; an ordinary
    /// user cannot give files away (everything stays its own, root inside its containers, as podman's
    /// ignore_chown_errors) and writes user.overlay.* markers, which a rootless overlay reads.
    /// </summary>
    public static ExtractMode OnHost { get; } = Rootless.UserPlaces.ForOrdinaryUser
        ? new(false, MarkerXattrs.User, false)
        : new(true, MarkerXattrs.Trusted, false);

    /// <summary>The layer helper, root of a user namespace with the user's subordinate ids.</summary>
    public static ExtractMode UserNamespace { get; } = new(true, MarkerXattrs.User, true);
}

internal sealed partial class LayerExtractor
{
    private void SetOwner(string path, TarEntry entry)
    {
        try
        {
            Sys.Lchown(path, (uint)entry.Uid, (uint)entry.Gid);
        }
        catch (SyscallException e) when (e.ErrorNumber == Errno.EINVAL && _mode.InUserNamespace)
        {
            // As podman: an image whose owners the user's ids cannot hold is refused, never given other owners.
            throw new TinyDockerException($"layer entry `{entry.Name}` is owned by {entry.Uid}:{entry.Gid}, an id your user namespace does not map "
                + "(root and 1..65536 from /etc/subuid and /etc/subgid at most)", inner: e);
        }
    }
}
