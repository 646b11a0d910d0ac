// Runs in: the host tool, in the host's namespaces: the host half of `exec`. It never joins a
// container's namespaces itself; the exec helper (Init/ExecHelper.cs) does, as a process of its own.
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Runtime.Host;

/// <summary>`exec NAME COMMAND`: a further command in a running container, in all its namespaces and its cgroup.</summary>
public static class ContainerExec
{
    private const int SIGKILL = 9;

    /// <summary>
    /// Runs <paramref name="exec"/> (the container's spec with exec's command, environment,
    /// directory, user and terminal) in <paramref name="container"/>; returns its exit code.
    /// </summary>
    public static int Run(LiveContainer container, ContainerSpec exec)
    {
        SpecValidator.Validate(exec);
        // Descriptors this tool inherited without O_CLOEXEC must not reach the helper or the command.
        Sys.CloseOnExecFrom(3);
        byte[] request = SpecWire.ToUtf8(exec);
        var pipe = Sys.Pipe();
        int pid = 0, status = 0;
        Exception? error = null;
        using var started = new BlockingEvent();
        using var terminal = TerminalMode.ForTty(exec.Tty);
        using var forwarder = new SignalForwarder(ContainerRunner.ForwardedSignals);
        // Rootless, the helper starts in the container's user namespace: util-linux nsenter joins it
        // for the helper, which (multi-threaded from its start, as every .NET process) could not.
        string[] argv = exec.Rootless
            ? Rootless.FirstStep.ExecArgv(container.InitPid, SelfExe.ExecArgv(container.InitPid))
            : SelfExe.ExecArgv(container.InitPid);
        // The helper's parent-death signal follows this thread, which lives as long as the helper.
        var thread = new Thread(() =>
        {
            pid = Sys.Spawn(argv[0], argv, SelfExe.HelperEnvironment(),
                [(pipe.Read, Init.ExecHelper.RequestFd)], out int errno);
            if (pid < 0)
            {
                error = new SyscallException("posix_spawn", "exec helper", errno);
            }
            started.Set();
            if (pid > 0)
            {
                Sys.Wait(pid, out status);
            }
        }) { IsBackground = true, Name = "tinydocker-exec" };
        thread.Start();
        started.Wait();
        Sys.Close(pipe.Read);
        bool sent = Sys.WriteAll(pipe.Write, request);
        Sys.Close(pipe.Write);
        if (error is not null)
        {
            throw error;
        }
        if (!sent)
        {
            Sys.Kill(pid, SIGKILL);
        }
        forwarder.Target = pid; // the helper passes them on to the command
        thread.Join();
        return ExitCodes.FromWaitStatus(status);
    }
}
