using System.Security.Cryptography;
using System.Text;

namespace TinyDocker.Testing;

/// <summary>
/// A small static C program built by the tests with the host's gcc (Debian's gcc and libc6-dev,
/// which scripts/install-deps.sh installs): an attack or probe that runs in any image, busybox's
/// included, because it needs no library at run time. Built once per source text into a cache
/// under the system's temporary directory, keyed by the source's hash.
/// </summary>
public static class CProgram
{
    private static readonly string Cache = Path.Combine(Path.GetTempPath(), "tinydocker-cprograms");

    /// <summary>The path of the static executable built from <paramref name="source"/>.</summary>
    public static string Build(string source)
    {
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16].ToLowerInvariant();
        string exe = Path.Combine(Cache, hash);
        if (File.Exists(exe))
        {
            return exe;
        }
        Directory.CreateDirectory(Cache);
        string dir = Directory.CreateTempSubdirectory("tinydocker-cbuild-").FullName;
        try
        {
            string c = Path.Combine(dir, "p.c");
            File.WriteAllText(c, source);
            string output = Path.Combine(dir, "p");
            var r = Shell.Run("gcc", ["-static", "-O1", "-o", output, c], dir, timeout: TimeSpan.FromMinutes(2));
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException($"gcc failed ({r.ExitCode}):\n{r.Stderr}");
            }
            // A rename is atomic, so a test running beside this one never sees a half-written binary.
            File.Move(output, exe, overwrite: true);
            return exe;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Copies the program built from <paramref name="source"/> into <paramref name="directory"/>
    /// as <paramref name="name"/>, mode 0755, for a container that sees that directory.
    /// </summary>
    public static string CopyInto(string source, string directory, string name)
    {
        string target = Path.Combine(directory, name);
        File.Copy(Build(source), target, overwrite: true);
        File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
        return target;
    }
}
