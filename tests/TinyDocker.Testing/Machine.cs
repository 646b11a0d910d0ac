namespace TinyDocker.Testing;

/// <summary>Facts about the machine the tests run on, read from the kernel.</summary>
public static class Machine
{
    public static bool IsRoot => Environment.UserName == "root" || GetEuid() == 0;

    /// <summary>The host's mount table as mount points and filesystem types (ids and peer groups left out).</summary>
    public static IReadOnlyList<string> Mounts()
        => File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Select(f => $"{f[4]} {f[Array.IndexOf(f, "-") + 1]}")
            .ToList();

    /// <summary>Pids of host processes whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> ProcessesWith(string marker)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(marker, StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // exited while we looked
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return pids;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    public static extern uint GetEuid();
}

/// <summary>cgroup directories tinydocker made, as the tests look for leftovers.</summary>
public static class Cgroups
{
    /// <summary>tinydocker's cgroup directories whose names start with <paramref name="prefix"/>, in every hierarchy.</summary>
    public static IReadOnlyList<string> Named(string prefix)
        => Directory.EnumerateDirectories("/sys/fs/cgroup")
            .Append("/sys/fs/cgroup")
            .Select(h => Path.Combine(h, "tinydocker"))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateDirectories(d, prefix + "*"))
            .ToList();
}
