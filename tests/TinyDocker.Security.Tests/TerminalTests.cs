using TinyDocker.Security.Tests.Programs;
using TinyDocker.Testing;
using static TinyDocker.Testing.PseudoTerminal;

namespace TinyDocker.Security.Tests;

/// <summary>The user's terminal, seen from a container started from it (run and exec, with and without -t).</summary>
public sealed class TerminalTests(BusyboxImage image) : EscapeTestBase(image)
{
    // What the attacker types into the user's terminal; the shell that started the tool reads the next line.
    private const string Payload = "echo INJECTED\n";

    [ContainerTheory]
    [InlineData("run")]
    [InlineData("run", "--security-opt", "seccomp=unconfined")]
    [InlineData("run", "-t")]
    [InlineData("run", "-t", "-i", "--security-opt", "seccomp=unconfined")]
    [InlineData("exec")]
    [InlineData("exec", "--security-opt", "seccomp=unconfined")]
    [InlineData("exec", "-t", "-i")]
    public void Tiocsti_from_a_container_never_reaches_the_users_terminal(string verb, params string[] options)
    {
        string injector = CProgram.CopyInto(TerminalInjector.Source, WorkDir, "inject");
        string name = $"esc-sti-{Guid.NewGuid():N}"[..20];
        string tool = $"{TinyTool.Executable} run --image {ImageDir} {string.Join(' ', options)} {name} {injector} '{Payload}'";
        System.Diagnostics.Process? live = null;
        if (verb == "exec")
        {
            // The container runs with seccomp as asked; the injector comes through exec.
            live = System.Diagnostics.Process.Start(Tool.StartInfo(["run", "--image", ImageDir, .. options.Where(o => o.Contains("seccomp") || o == "--security-opt"), name, "sh", "-c", "echo ready; exec sleep 60"], WorkDir))!;
            Assert.Equal("ready", live.StandardOutput.ReadLine());
            tool = $"{TinyTool.Executable} exec {string.Join(' ', options.Where(o => o is "-t" or "-i"))} {name} {injector} '{Payload}'";
        }
        try
        {
            var inside = AtTerminal(tool);

            Assert.Contains("GOT=clean", inside.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("GOT=echo INJECTED", inside.Stdout, StringComparison.Ordinal);
            if (!options.Contains("-t"))
            {
                // Without -t the command has no controlling terminal: the kernel refuses the ioctl.
                Assert.Contains("TIOCSTI refused", inside.Stdout, StringComparison.Ordinal);
            }
        }
        finally
        {
            if (live is not null)
            {
                live.Kill();
                live.WaitForExit();
                live.Dispose();
            }
        }

        // Real: the same program started from the same terminal on the host types the line in.
        var onHost = AtTerminal($"{injector} '{Payload}'");
        Assert.Contains("TIOCSTI ok", onHost.Stdout, StringComparison.Ordinal);
        Assert.Contains("GOT=echo INJECTED", onHost.Stdout, StringComparison.Ordinal);
        Host.AssertUntouched();
    }

    /// <summary>Runs <paramref name="command"/> from a shell on a pty, then types "clean" and shows the line that shell read next.</summary>
    private ToolResult AtTerminal(string command)
    {
        var env = new Dictionary<string, string>(Tool.Environment) { ["TINYDOCKER_ROOT"] = Tool.StateRoot };
        return PseudoTerminal.Run(["sh", "-c", $"{command}; echo RC=$?; read line; echo GOT=$line"],
            [Expect("RC="), Send("clean\n"), Expect("GOT=")], env, WorkDir);
    }
}
