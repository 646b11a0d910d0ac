using System.Diagnostics;
using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>
/// Runs attempts as root inside default containers (busybox image, or the host's root as the
/// image where python3 is needed for a raw system call), with the protection switched off for
/// the counter-proof, and on the host itself where that is safe. Every test ends with
/// <see cref="HostWatch.AssertUntouched"/>.
/// </summary>
public abstract class EscapeTestBase : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly string _work = Directory.CreateTempSubdirectory("tinydocker-escape-work-").FullName;

    protected EscapeTestBase(BusyboxImage image) => _image = image;

    protected TinyTool Tool { get; } = new();

    protected HostWatch Host { get; } = new();

    /// <summary>`sh -c SCRIPT` as root in a busybox container, with extra run options before the name.</summary>
    protected ToolResult Busybox(string script, params string[] options)
        => Tool.Run([.. "run --image".Split(' '), _image.Dir, .. options, Name(), "sh", "-c", script], workingDirectory: _work);

    /// <summary>A command in a container whose image is the host's root (python3 is there), started in a scratch directory.</summary>
    protected ToolResult HostRoot(string[] command, params string[] options)
        => Tool.Run(["run", .. options, Name(), .. command], workingDirectory: _work);

    /// <summary>A python3 program in a host-root container; Python.Prelude gives it `call(name, *args)`.</summary>
    protected ToolResult Python(string program, params string[] options)
        => HostRoot(["/usr/bin/python3", "-c", PythonProgram.Prelude + program], options);

    /// <summary>The same script run by the host's /bin/sh, in the scratch directory: for attempts that are safe on the host.</summary>
    protected ToolResult OnHost(string script) => Shell.Run("/bin/sh", ["-c", script], _work);

    /// <summary>Runs the tool with extra environment variables, to completion.</summary>
    protected ToolResult RunWithEnvironment(IDictionary<string, string> environment, params string[] args)
    {
        var psi = Tool.StartInfo(args, _work);
        foreach (var (k, v) in environment)
        {
            psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "the tool did not finish in a minute");
        return new ToolResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    protected string WorkDir => _work;

    protected string ImageDir => _image.Dir;

    private static string Name() => $"esc-{Guid.NewGuid():N}"[..16];

    public void Dispose()
    {
        Tool.Dispose();
        Host.Dispose();
        Directory.Delete(_work, recursive: true);
        GC.SuppressFinalize(this);
    }
}
