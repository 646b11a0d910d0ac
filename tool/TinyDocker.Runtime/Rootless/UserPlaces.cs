// Runs in: the host tool, when a verb first needs its state root or image store.
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Rootless;

/// <summary>
/// An ordinary user's own places, so that one user's containers and images are invisible to
/// another's: state in <c>$XDG_RUNTIME_DIR/tinydocker</c> (when that is the user's own 0700
/// directory, as systemd-logind makes it), else <c>${XDG_STATE_HOME:-$HOME/.local/state}/tinydocker</c>;
/// images in <c>${XDG_DATA_HOME:-$HOME/.local/share}/tinydocker</c>. Never a fixed path under /tmp,
/// which another user could make first. The directory itself must be the user's and not a link;
/// it is made 0700. Root keeps /run/tinydocker and /var/lib/tinydocker (also when rootless is forced).
/// </summary>
public static class UserPlaces
{
    private const uint Private = 0b111_000_000;

    /// <summary>True when the defaults are the caller's own places (the caller is not root).</summary>
    public static bool ForOrdinaryUser { get; } = Sys.GetEffectiveUid() != 0;

    public static string StateRoot()
        => Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } run && Path.IsPathRooted(run) && IsOwnPrivateDir(run)
            ? Own(Path.Combine(run, "tinydocker"), "state root", "TINYDOCKER_ROOT")
            : Own(Path.Combine(Xdg("XDG_STATE_HOME", ".local/state"), "tinydocker"), "state root", "TINYDOCKER_ROOT");

    public static string DataRoot() => Own(Path.Combine(Xdg("XDG_DATA_HOME", ".local/share"), "tinydocker"), "image store", "TINYDOCKER_DATA");

    private static string Xdg(string variable, string underHome)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } dir && Path.IsPathRooted(dir))
        {
            return dir;
        }
        string home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h && Path.IsPathRooted(h)
            ? h
            : throw new TinyDockerException($"HOME is not set: set HOME, or {variable}, or the TINYDOCKER_ROOT and TINYDOCKER_DATA variables");
        return Path.Combine(home, underHome);
    }

    private static bool IsOwnPrivateDir(string dir)
        => Sys.LstatOwner(dir) is { Type: Sys.S_IFDIR, Permissions: Private, Uid: var uid } && uid == Sys.GetEffectiveUid();

    /// <summary>Makes <paramref name="dir"/> (0700) when missing; refuses one that is not the caller's own directory.</summary>
    private static string Own(string dir, string what, string variable)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(dir)!);
        Sys.MkdirIfMissing(dir, Private);
        var st = Sys.LstatOwner(dir);
        uint me = Sys.GetEffectiveUid();
        if (st is not { Type: Sys.S_IFDIR } || st.Value.Uid != me)
        {
            throw new TinyDockerException($"the {what} `{dir}` is not a directory of yours (uid {me}): remove it, or set {variable} to a directory you own");
        }
        if (st.Value.Permissions != Private)
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return dir;
    }
}
