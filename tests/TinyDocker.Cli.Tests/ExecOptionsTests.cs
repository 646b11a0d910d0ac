using System.Diagnostics;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>exec's -e, -w and -u, as docker's exec has them, checked as run checks its own.</summary>
public sealed class ExecOptionsTests : IClassFixture<BusyboxImage>, IDisposable
{
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public ExecOptionsTests(BusyboxImage image) => _image = image;

    private Process StartLive(string name, params string[] options)
    {
        var p = _tool.Start(["run", "--image", _image.Dir, "-e", "FROM_RUN=run", "-w", "/tmp", .. options, name, "sh", "-c", "echo ready; exec sleep 60"]);
        Assert.Equal("ready", p.StandardOutput.ReadLine());
        return p;
    }

    [ContainerFact]
    public void Exec_takes_the_containers_environment_directory_and_user_unless_told_otherwise()
    {
        using var run = StartLive("exec-opts", "-u", "1234:5678");
        try
        {
            const string Show = "echo \"$FROM_RUN $EXTRA $FROM_HOST\"; pwd; id -u; id -g";

            var plain = _tool.Run("exec", "exec-opts", "sh", "-c", Show);
            _tool.Environment["EXEC_HOST_VALUE"] = "host-value";
            var told = _tool.Run("exec", "-e", "EXTRA=x=y", "-e", "FROM_RUN=changed", "--env", "FROM_HOST=1", "-e", "EXEC_HOST_VALUE",
                "-w", "/etc", "-u", "42:43", "exec-opts", "sh", "-c", Show + "; echo $EXEC_HOST_VALUE");
            var byName = _tool.Run("exec", "-u", "root", "exec-opts", "id", "-u");

            Assert.Equal("run  \n/tmp\n1234\n5678\n", plain.Stdout);
            Assert.Equal("changed x=y 1\n/etc\n42\n43\nhost-value\n", told.Stdout);
            Assert.Equal("0\n", byName.Stdout);
        }
        finally
        {
            run.Kill();
            run.WaitForExit();
        }
    }

    [ContainerTheory]
    [InlineData("-w", "relative", "working directory `relative` is not absolute")]
    [InlineData("-w", "/no/such/dir", "chdir `/no/such/dir`")]
    [InlineData("-u", "1:2:3", "invalid user `1:2:3`")]
    [InlineData("-u", "nobody-here", "nobody-here")]
    [InlineData("-e", "=value", "invalid environment entry `=value`")]
    public void Bad_exec_options_are_one_line_and_125(string option, string value, string message)
    {
        string name = $"exec-bad-{Guid.NewGuid():N}"[..20];
        using var run = StartLive(name);
        try
        {
            var r = _tool.Run("exec", option, value, name, "sh", "-c", "echo RAN");

            Assert.Equal(125, r.ExitCode);
            Assert.Equal("", r.Stdout);
            string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(message, line, StringComparison.Ordinal);
            // The container is unharmed: a good exec still runs.
            Assert.Equal("RAN\n", _tool.Run("exec", name, "sh", "-c", "echo RAN").Stdout);
        }
        finally
        {
            run.Kill();
            run.WaitForExit();
        }
    }

    public void Dispose() => _tool.Dispose();
}
