namespace TinyDocker.Runtime.Images;

/// <summary>
/// Where images live: <c>$TINYDOCKER_DATA</c>, else /var/lib/tinydocker for root and the user's
/// own store for anyone else (Rootless/UserPlaces.cs); kept across reboots, unlike the state root.
/// </summary>
public static class DataRoot
{
    public const string DefaultPath = "/var/lib/tinydocker";
    public const string EnvironmentVariable = "TINYDOCKER_DATA";

    public static string Current
        => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } root
            ? Path.GetFullPath(root)
            : Rootless.UserPlaces.ForOrdinaryUser ? Rootless.UserPlaces.DataRoot() : DefaultPath;
}
