using System.Text.RegularExpressions;
using TinyDocker.Client;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>The tinydocker command line each case runs with.</summary>
public sealed class CaseRunnerTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("tinydocker-project-").FullName;

    private static readonly CliTool Tool = new("/usr/bin/dotnet", ["/pkg/tools/tinydocker/dotnet-tinydocker.dll"], "/pkg/tools/tinydocker/dotnet-tinydocker.dll");

    private ContainerCase Case(string script, string? image = null, string? timeout = null, string? memory = null)
    {
        string path = Path.Combine(_project, script);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\n");
        return new ContainerCase(script, path, _project, image, timeout, memory, null, "/p/bin/p.dll");
    }

    [Fact]
    public void A_case_with_every_setting()
    {
        var c = Case("tests/slow/big.sh", "busybox:1.36", "900", "1.5g") with
        {
            Network = "host", User = "1000:1000", Environment = ["A=1", "B"], Volumes = ["data:/data:ro"],
        };
        File.SetUnixFileMode(c.ScriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var runner = new CaseRunner(Tool, new CaseDefaults("/default/image"), "/results", new LiveProcesses());
        Assert.Equal(
        [
            "/pkg/tools/tinydocker/dotnet-tinydocker.dll", "run", "--die-with-parent", "--image", "busybox:1.36",
            "-e", "A=1", "-e", "B", "-e", "TINYDOCKER_RESULTS=/tinydocker-results", "-e", "TINYDOCKER_TEST_NAME=tests/slow/big.sh",
            "-v", "data:/data:ro", "--tmpfs", "/tinydocker-results", "--copy-out", "/tinydocker-results:/results/t-1",
            "-u", "1000:1000", "--timeout", "900", "--memory", "1.5g", "--network", "host",
            "--json-status", "/w/status.json", "--keep-upper", "/w/upper", "t-1", c.ScriptPath,
        ], runner.Arguments(c, "t-1", "/results/t-1", "/w"));
    }

    [Fact]
    public void Defaults_the_run_settings_image_then_the_host_root_and_runs_a_script_that_is_not_executable_through_sh()
    {
        var c = Case("tests/a.sh");
        File.SetUnixFileMode(c.ScriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var withDefault = new CaseRunner(Tool, new CaseDefaults("/default/image"), "/results", new LiveProcesses());
        Assert.Equal(["--image", "/default/image"], withDefault.Arguments(c, "t-1", "/r", "/w").Skip(3).Take(2));
        var hostRoot = new CaseRunner(Tool, new CaseDefaults(null, "/run/mine"), "/results", new LiveProcesses());
        var args = hostRoot.Arguments(c, "t-1", "/r", "/w").ToList();
        Assert.DoesNotContain("--image", args);
        Assert.Equal(["t-1", "/bin/sh", c.ScriptPath], args.TakeLast(3));

        var psi = hostRoot.StartInfo(c, "t-1", "/r", "/w");
        Assert.Equal(("/usr/bin/dotnet", _project, "/run/mine"), (psi.FileName, psi.WorkingDirectory, psi.Environment["TINYDOCKER_ROOT"]));
    }

    [Theory]
    [InlineData("tests/pass.sh", "t-tests-pass.sh-")]
    [InlineData("tests/ünïcode & spaces/x y.sh", "t-tests--n-code---spaces-x-y.sh-")]
    [InlineData("../outside/a-very-long-directory-name-that-goes-on-and-on/and-on/case.sh", "t-")]
    [InlineData("___", "t-")]
    public void Container_names_are_readable_unique_and_valid(string caseName, string prefix)
    {
        string a = ContainerNames.For(caseName), b = ContainerNames.For(caseName);
        Assert.NotEqual(a, b);
        Assert.StartsWith(prefix, a);
        // tinydocker's name pattern, and the hostname pattern (the name is the hostname).
        Assert.Matches(new Regex("^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$"), a);
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);
}
