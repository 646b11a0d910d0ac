using System.Diagnostics;
using TinyDocker.Security.Tests.Programs;
using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>`exec` seen from a container that wants what the host side of exec holds.</summary>
public sealed class ExecTests(BusyboxImage image) : EscapeTestBase(image)
{
    [ContainerFact]
    public void No_container_process_can_read_or_write_the_memory_or_environment_behind_exec()
    {
        string secret = $"TD-SECRET-{Guid.NewGuid():N}";
        string thief = CProgram.CopyInto(MemoryThief.Source, WorkDir, "thief");
        string name = $"esc-mem-{Guid.NewGuid():N}"[..20];
        using var run = StartInWorkDir("run", "--image", ImageDir, name, thief, secret);
        try
        {
            Assert.Equal("ready", run.StandardOutput.ReadLine());

            // The host side of exec holds the secret in its environment, as a CI job's tool would.
            for (int i = 0; i < 20; i++)
            {
                var exec = RunWithEnvironment(new Dictionary<string, string> { ["TD_SECRET"] = secret }, "exec", name, "sleep", "0.1");
                Assert.Equal(0, exec.ExitCode);
            }
            run.StandardInput.Close();
            string report = run.StandardOutput.ReadToEnd();
            Assert.True(run.WaitForExit(30_000));

            Assert.DoesNotContain("FOUND", report, StringComparison.Ordinal);
            Assert.DoesNotContain("WROTE", report, StringComparison.Ordinal);
            // The thief was there to see them: every exec'd command appeared in its /proc.
            var summary = report.Split('\n').Single(l => l.StartsWith("seen ", StringComparison.Ordinal)).Split(' ');
            Assert.True(int.Parse(summary[1]) >= 20, report);
        }
        finally
        {
            if (!run.HasExited)
            {
                run.Kill();
                run.WaitForExit();
            }
        }

        // Real: the same thief finds the secret in a dumpable process of its own, and writes into it.
        var selfTest = Busybox($"{thief} {secret} self-test </dev/null");
        Assert.Contains("FOUND environ", selfTest.Stdout, StringComparison.Ordinal);
        Assert.Contains("FOUND mem", selfTest.Stdout, StringComparison.Ordinal);
        Assert.Contains("WROTE", selfTest.Stdout, StringComparison.Ordinal);
        Host.AssertUntouched();
    }

    private Process StartInWorkDir(params string[] args) => Process.Start(Tool.StartInfo(args, WorkDir))!;
}
