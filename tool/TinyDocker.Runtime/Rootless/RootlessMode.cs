// Runs in: the host tool (every verb reads it to choose its places and its way into namespaces).
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Rootless;

/// <summary>
/// Whether this tool runs rootless: every container gets a user namespace of its own in which
/// the caller is root, and state and images live in the caller's own places. An ordinary user
/// always runs rootless; root does only when TINYDOCKER_ROOTLESS=1 asks for it (for tests of the
/// rootless path on a machine where the tests run as root). See docs/rootless.md.
/// </summary>
public static class RootlessMode
{
    public const string EnvironmentVariable = "TINYDOCKER_ROOTLESS";

    public static bool Active { get; } = Sys.GetEffectiveUid() != 0 || Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";
}
