namespace TinyDocker.Runtime.Images;

/// <summary>What a layer entry means beyond its own content (OCI image spec, layer.md "Whiteouts").</summary>
public enum EntryMeaning
{
    /// <summary>An ordinary file, directory, link or device.</summary>
    Content,

    /// <summary><c>.wh.NAME</c>: NAME from lower layers is deleted (overlay: a 0/0 character device).</summary>
    Whiteout,

    /// <summary><c>.wh..wh..opq</c>: the directory hides everything lower layers have in it (overlay: the opaque xattr, y).</summary>
    OpaqueDirectory,

    /// <summary>Other <c>.wh..wh.</c> names: aufs bookkeeping that means nothing to overlay; skipped.</summary>
    Ignored,
}

/// <summary>
/// Which xattrs overlayfs reads its markers from: <c>trusted.overlay.*</c> (root's stores; only
/// CAP_SYS_ADMIN of the host may read or write them) or <c>user.overlay.*</c> (an ordinary user's
/// stores; overlay reads them when mounted with <c>userxattr</c>, as a rootless run mounts it).
/// </summary>
public enum MarkerXattrs
{
    Trusted,
    User,
}

/// <summary>Maps OCI whiteout names to what overlayfs understands.</summary>
public static class Whiteouts
{
    public const string Prefix = ".wh.";
    public const string OpaqueMarker = ".wh..wh..opq";
    public const string MetaPrefix = ".wh..wh.";
    public const string OpaqueXattr = "trusted.overlay.opaque", UserOpaqueXattr = "user.overlay.opaque";

    /// <summary>The opaque directory's xattr in the given convention.</summary>
    public static string Opaque(MarkerXattrs convention) => convention == MarkerXattrs.User ? UserOpaqueXattr : OpaqueXattr;

    /// <summary>
    /// Overlay's own metadata in either convention (opaque, redirect, metacopy, origin...): a layer
    /// must never carry it as content, or it could forge what overlay makes of the lower layers.
    /// </summary>
    public static bool IsOverlayXattr(string name)
        => name.StartsWith("trusted.overlay.", StringComparison.Ordinal) || name.StartsWith("user.overlay.", StringComparison.Ordinal);

    /// <summary>
    /// Classifies a normalized layer path (no leading slash, no `.` or `..`) and returns the path the
    /// meaning applies to: the deleted entry for a whiteout, the directory for an opaque marker.
    /// </summary>
    public static (EntryMeaning Meaning, string Path) Classify(string path)
    {
        int slash = path.LastIndexOf('/');
        string dir = slash < 0 ? "" : path[..slash];
        string name = slash < 0 ? path : path[(slash + 1)..];
        if (name == OpaqueMarker)
        {
            return (EntryMeaning.OpaqueDirectory, dir);
        }
        if (name.StartsWith(MetaPrefix, StringComparison.Ordinal))
        {
            return (EntryMeaning.Ignored, path);
        }
        if (name.StartsWith(Prefix, StringComparison.Ordinal) && name.Length > Prefix.Length)
        {
            string target = name[Prefix.Length..];
            if (target is "." or "..")
            {
                throw new TinyDockerException($"layer entry `{path}` whites out `{target}`, which is not a name");
            }
            return (EntryMeaning.Whiteout, dir.Length == 0 ? target : $"{dir}/{target}");
        }
        return (EntryMeaning.Content, path);
    }
}
