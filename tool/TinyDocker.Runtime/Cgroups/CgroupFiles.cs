namespace TinyDocker.Runtime.Cgroups;

/// <summary>Reading and writing the small control files of a cgroup directory, with errors that name the file.</summary>
internal static class CgroupFiles
{
    public static void Write(string dir, string file, string value)
    {
        string path = Path.Combine(dir, file);
        try
        {
            File.WriteAllText(path, value);
        }
        catch (IOException e)
        {
            throw new TinyDockerException($"write `{value}` to `{path}`: {e.Message}");
        }
    }

    /// <summary>The number after <paramref name="key"/> in a flat keyed file (memory.events, memory.oom_control).</summary>
    public static long? ReadKey(string dir, string file, string key)
    {
        string path = Path.Combine(dir, file);
        if (!File.Exists(path))
        {
            return null;
        }
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], out long value))
            {
                return value;
            }
        }
        return null;
    }

    public static long? ReadNumber(string dir, string file)
    {
        string path = Path.Combine(dir, file);
        return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), out long value) ? value : null;
    }

    /// <summary>
    /// rmdir of a cgroup whose last process has just been reaped can briefly fail with EBUSY while
    /// the kernel finishes; retry for up to a second.
    /// </summary>
    public static void Remove(string dir)
    {
        for (int attempt = 0; Directory.Exists(dir); attempt++)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(20);
            }
        }
    }
}
