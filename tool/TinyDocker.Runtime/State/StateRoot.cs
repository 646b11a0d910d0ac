using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.State;

/// <summary>
/// The state root: one directory per container, holding <c>lock</c> (flocked by the live
/// supervisor for the container's whole life), <c>spec.json</c> and <c>pid</c>. A directory
/// whose lock nobody holds was left by a killed run and is what `prune` removes.
/// </summary>
public static class StateRoot
{
    public const string DefaultPath = "/run/tinydocker";
    public const string EnvironmentVariable = "TINYDOCKER_ROOT";

    /// <summary>
    /// The state root this process uses: <c>$TINYDOCKER_ROOT</c>, else /run/tinydocker for root and
    /// the user's own for anyone else (Rootless/UserPlaces.cs).
    /// </summary>
    public static string Current
        => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } root
            ? Path.GetFullPath(root)
            : Rootless.UserPlaces.ForOrdinaryUser ? Rootless.UserPlaces.StateRoot() : DefaultPath;

    public static IReadOnlyList<ContainerInfo> List(string root)
    {
        var result = new List<ContainerInfo>();
        foreach (var dir in ContainerDirs(root))
        {
            string name = Path.GetFileName(dir);
            bool running = ContainerState.IsLocked(dir);
            ContainerSpec? spec = null;
            try
            {
                spec = SpecJson.Read(Path.Combine(dir, ContainerState.SpecFile));
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or TinyDockerException)
            {
                // Not written yet or being removed (each file appears whole, by rename); listed with what is known.
            }
            int.TryParse(TryRead(Path.Combine(dir, ContainerState.PidFile)), out int pid);
            var exit = running ? null : ExitRecord.Parse(TryRead(Path.Combine(dir, ContainerState.ExitFile)));
            result.Add(new ContainerInfo(
                name,
                pid,
                spec is null ? "?" : spec.HostRootImage ? "(host root)" : string.Join(':', spec.Layers),
                spec is null ? "?" : string.Join(' ', spec.Command),
                new DirectoryInfo(dir).CreationTimeUtc,
                running,
                running ? ContainerInfo.RunningStatus : exit is null ? ContainerInfo.StaleStatus : ContainerInfo.ExitedStatus,
                exit?.ExitCode,
                spec?.Detached == true,
                PortSpec.Column(PublishedPorts(dir))));
        }
        return result.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The overlay lower directories of live containers (full paths): what `image prune` must keep.
    /// A container whose lock is held but whose spec cannot be read yet keeps nothing by this list.
    /// </summary>
    public static IReadOnlySet<string> LayersInUse(string root)
    {
        var layers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in ContainerDirs(root).Where(ContainerState.IsLocked))
        {
            try
            {
                layers.UnionWith(SpecJson.Read(Path.Combine(dir, ContainerState.SpecFile)).Layers.Select(Path.GetFullPath));
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or TinyDockerException)
            {
                // Not written yet or being removed.
            }
        }
        return layers;
    }

    /// <summary>Removes every container directory no live run holds (exited records and stale ones); returns their names.</summary>
    public static IReadOnlyList<string> Prune(string root)
    {
        var removed = new List<string>();
        foreach (var dir in ContainerDirs(root))
        {
            if (ContainerState.TryReclaim(dir))
            {
                removed.Add(Path.GetFileName(dir));
            }
        }
        return removed;
    }

    private static IEnumerable<string> ContainerDirs(string root)
        => Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Where(d => new DirectoryInfo(d).LinkTarget is null)
            : [];

    /// <summary>The ports a container's supervisor bound (-p), as it recorded them; none when it has not yet.</summary>
    public static IReadOnlyList<PortMapping> PublishedPorts(string containerDir)
        => PortSpec.FromStateText(TryRead(Path.Combine(containerDir, ContainerState.PortsFile)));

    internal static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
