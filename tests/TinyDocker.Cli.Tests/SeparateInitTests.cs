using System.Reflection;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// The container's init is tinydocker-init when that program is beside the CLI and executable (a
/// NativeAOT publish puts it there), and the CLI started again in `__init` mode otherwise. Each
/// test runs a copy of the CLI in a directory of its own, with the init's build beside it or not.
/// </summary>
public sealed class SeparateInitTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"tinydocker-cli-copy-{Guid.NewGuid():N}");

    public SeparateInitTests(BusyboxImage image) => _image = image;

    private static string InitBuildDir
        => typeof(SeparateInitTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TinyDockerInitDir").Value!;

    /// <summary>The CLI's apphost copied (it finds its files by its own path), the rest linked; the init's build too when asked.</summary>
    private string CopyCli(bool withInit)
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
        Directory.CreateDirectory(_dir);
        string cliDir = Path.GetDirectoryName(TinyTool.Executable)!;
        foreach (var f in Directory.EnumerateFiles(cliDir).Where(f => Path.GetFileName(f) != "tinydocker-init"))
        {
            string to = Path.Combine(_dir, Path.GetFileName(f));
            if (f == TinyTool.Executable)
            {
                File.Copy(f, to);
            }
            else
            {
                File.CreateSymbolicLink(to, f);
            }
        }
        foreach (var d in Directory.EnumerateDirectories(cliDir))
        {
            Directory.CreateSymbolicLink(Path.Combine(_dir, Path.GetFileName(d)), d); // runtimes/: Tmds.LibC
        }
        if (withInit)
        {
            foreach (var name in new[] { "tinydocker-init", "tinydocker-init.dll", "tinydocker-init.deps.json", "tinydocker-init.runtimeconfig.json" })
            {
                File.Copy(Path.Combine(InitBuildDir, name), Path.Combine(_dir, name), overwrite: true);
            }
        }
        return Path.Combine(_dir, Path.GetFileName(TinyTool.Executable));
    }

    private ToolResult RunWith(string exe, params string[] args)
    {
        var psi = _tool.StartInfo(args);
        psi.FileName = exe;
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "the run did not end within 60 s");
        return new ToolResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The init's command line as the container sees it (NUL-separated).</summary>
    private string[] InitArgv(string exe)
    {
        var r = RunWith(exe, "run", "--image", _image.Dir, "argv", "cat", "/proc/1/cmdline");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    [RootFact]
    public void The_init_beside_the_cli_is_the_containers_pid_1()
    {
        string exe = CopyCli(withInit: true);
        var argv = InitArgv(exe);
        Assert.Equal(Path.Combine(_dir, "tinydocker-init"), argv[0]);
        Assert.Equal(2, argv.Length); // tinydocker-init SPEC: no verb
        Assert.EndsWith("/argv/spec.json", argv[1], StringComparison.Ordinal);
    }

    [RootFact]
    public void Without_it_or_when_it_is_not_executable_the_cli_starts_itself()
    {
        string exe = CopyCli(withInit: false);
        Assert.Contains("__init", InitArgv(exe));

        // As NuGet extracts it: no execute bit. Never an error, the CLI is its own init.
        CopyCli(withInit: true);
        File.SetUnixFileMode(Path.Combine(_dir, "tinydocker-init"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Contains("__init", InitArgv(exe));
    }

    [RootFact]
    public void When_the_tool_is_killed_the_separate_init_and_its_command_die_and_no_mount_is_left()
    {
        string exe = CopyCli(withInit: true);
        string marker = $"{Random.Shared.Next(100_000, 999_999)}.{Random.Shared.Next(100, 999)}";
        var psi = _tool.StartInfo(["run", "--image", _image.Dir, "killed", "sh", "-c", $"echo up; sleep {marker}"]);
        psi.FileName = exe;
        using var p = System.Diagnostics.Process.Start(psi)!;
        Assert.Equal("up", p.StandardOutput.ReadLine());
        Assert.NotEmpty(Machine.ProcessesWith($"tinydocker-init {_tool.StateRoot}/killed/"));

        p.Kill(); // SIGKILL
        p.WaitForExit();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while ((Machine.ProcessesWith($"sleep {marker}").Count > 0 || Machine.ProcessesWith($"{_tool.StateRoot}/killed/").Count > 0) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
        Assert.Empty(Machine.ProcessesWith($"sleep {marker}"));
        Assert.Empty(Machine.ProcessesWith($"{_tool.StateRoot}/killed/"));
        Assert.Empty(_tool.LeftMounts());
    }

    public void Dispose()
    {
        _tool.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
