using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>What the command inherits: descriptors 0, 1 and 2 only, and none of the host's environment.</summary>
public sealed class DescriptorAndEnvironmentTests(BusyboxImage image) : EscapeTestBase(image)
{
    [ContainerFact]
    public void Only_stdin_stdout_and_stderr_reach_the_command()
    {
        // The shell's builtin test looks at the shell's own descriptors without opening any.
        var inside = Busybox("for n in $(seq 0 1023); do [ -e /proc/$$/fd/$n ] && echo $n; done; true");

        Assert.Equal(["0", "1", "2"], inside.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void A_descriptor_inherited_by_the_tool_is_not_passed_on()
    {
        File.WriteAllText(Host.Canary + ".secret", "inherited secret\n");
        try
        {
            // fd 5 is open, without close-on-exec, in the process that starts the tool.
            string tool = $"TINYDOCKER_ROOT={Tool.StateRoot} {TinyTool.Executable} run --image {ImageDir} esc-fd";
            var inside = OnHost($"exec 5< {Host.Canary}.secret; {tool} sh -c 'cat <&5; ls /proc/self/fd'");

            Assert.DoesNotContain("inherited secret", inside.Stdout, StringComparison.Ordinal);
            Assert.Contains("Bad file descriptor", inside.Stderr, StringComparison.Ordinal);
            // Nor through exec into a running container.
            using var run = Tool.Start("run", "--image", ImageDir, "esc-fd-live", "sh", "-c", "echo ready; exec sleep 60");
            Assert.Equal("ready", run.StandardOutput.ReadLine());
            var exec = OnHost($"exec 5< {Host.Canary}.secret; TINYDOCKER_ROOT={Tool.StateRoot} {TinyTool.Executable} exec esc-fd-live sh -c 'cat <&5'");
            run.Kill();
            run.WaitForExit();
            Assert.DoesNotContain("inherited secret", exec.Stdout, StringComparison.Ordinal);
            Assert.Contains("Bad file descriptor", exec.Stderr, StringComparison.Ordinal);
            // Real: any other program started the same way reads it.
            Assert.Contains("inherited secret", OnHost($"exec 5< {Host.Canary}.secret; sh -c 'cat <&5'").Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(Host.Canary + ".secret");
        }
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void The_hosts_environment_does_not_leak()
    {
        var env = new Dictionary<string, string> { ["TINYDOCKER_HOST_SECRET"] = "s3cr3t" };

        var inside = RunWithEnvironment(env, "run", "--image", ImageDir, "esc-env", "env");
        Assert.Equal(0, inside.ExitCode);
        Assert.DoesNotContain("s3cr3t", inside.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("TINYDOCKER_ROOT", inside.Stdout, StringComparison.Ordinal);
        Assert.Equal(["HOME", "HOSTNAME", "PATH"], inside.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l[..l.IndexOf('=')]).Where(k => k != "TERM").Order(StringComparer.Ordinal));

        // Real: the variable is in the tool's environment; asked for by name (-e KEY) it is passed.
        var passed = RunWithEnvironment(env, "run", "--image", ImageDir, "-e", "TINYDOCKER_HOST_SECRET", "esc-env2", "env");
        Assert.Contains("TINYDOCKER_HOST_SECRET=s3cr3t", passed.Stdout, StringComparison.Ordinal);
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void A_privileged_command_reading_its_init_finds_none_of_the_hosts_environment()
    {
        var env = new Dictionary<string, string> { ["TINYDOCKER_HOST_SECRET"] = "s3cr3t" };

        // With CAP_SYS_PTRACE (--privileged) the command may read PID 1's environ.
        var inside = RunWithEnvironment(env, "run", "--privileged", "--image", ImageDir, "esc-env-init",
            "sh", "-c", "tr '\\0' '\\n' < /proc/1/environ");

        Assert.True(inside.ExitCode == 0, inside.ToString());
        Assert.Contains("PATH=", inside.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", inside.Stdout, StringComparison.Ordinal);
        Host.AssertUntouched();
    }
}
