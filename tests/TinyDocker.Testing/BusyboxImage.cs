using System.Diagnostics;

namespace TinyDocker.Testing;

/// <summary>
/// A tiny real root filesystem: Debian's busybox-static with a link for each applet, plus the
/// usual top-level directories. Built once per test class (an xunit class fixture), removed after.
/// </summary>
public sealed class BusyboxImage : IDisposable
{
    public const string BusyboxPath = "/bin/busybox";

    public BusyboxImage()
    {
        Dir = Path.Combine(Path.GetTempPath(), $"tinydocker-busybox-{Guid.NewGuid():N}");
        Build(Dir);
    }

    public string Dir { get; }

    public static bool Available => File.Exists(BusyboxPath);

    public static void Build(string dir)
    {
        if (!Available)
        {
            throw new InvalidOperationException($"{BusyboxPath} is missing: run scripts/install-deps.sh (package busybox-static)");
        }
        foreach (var d in new[] { "bin", "etc", "root", "tmp", "proc", "sys", "dev", "usr/bin", "var" })
        {
            Directory.CreateDirectory(Path.Combine(dir, d));
        }
        File.Copy(BusyboxPath, Path.Combine(dir, "bin/busybox"));
        var list = Process.Start(new ProcessStartInfo(BusyboxPath, "--list") { RedirectStandardOutput = true })!;
        foreach (var applet in list.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Combine(dir, "bin", applet), "busybox");
            }
        }
        list.WaitForExit();
        File.WriteAllText(Path.Combine(dir, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        File.WriteAllText(Path.Combine(dir, "etc/group"), "root:x:0:\nnogroup:x:65534:\n");
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
