// Runs in: tinydocker-init once the command runs.
namespace TinyInit;

/// <summary>
/// PID 1's job once the command runs, as the tool's Init/Reaper.cs: forward signals to it, reap
/// every zombie, obey the supervisor's control messages ('K': kill all, 'X': exit; end of file: the
/// supervisor is gone, so kill all and exit), and when the command exits kill whatever it left,
/// report its status and wait for the supervisor's leave.
/// </summary>
internal static unsafe class Reaper
{
    private const int SignalInfoSize = 128; // struct signalfd_siginfo; ssi_signo first
    private const int WNOHANG = 1;

    public static int Run(int child, int signals, long since)
    {
        PollFd* polled = (PollFd*)Text.Alloc(2 * sizeof(PollFd));
        byte* infos = Text.Alloc(16 * SignalInfoSize);
        byte* message = Text.Alloc(1);
        bool exited = false, exitAllowed = false, controlOpen = true;
        int commandStatus = 0;
        while (!(exited && exitAllowed))
        {
            polled[0] = new PollFd { Fd = signals, Events = Libc.POLLIN };
            polled[1] = new PollFd { Fd = Report.ControlFd, Events = Libc.POLLIN };
            if (Libc.poll(polled, controlOpen ? 2UL : 1UL, -1) < 0)
            {
                continue; // EINTR
            }
            if (controlOpen && polled[1].Revents != 0)
            {
                nint n = Libc.read(Report.ControlFd, message, 1);
                if (n == 1 && *message == 'K')
                {
                    Libc.kill(-1, Libc.SIGKILL); // from PID 1: every process of the namespace but itself
                }
                else if (n == 1 && *message == 'X')
                {
                    exitAllowed = true;
                }
                else if (n == 0 || (n < 0 && Libc.Errno != Libc.EINTR && Libc.Errno != Libc.EAGAIN))
                {
                    // End of file without 'X': the supervisor is gone (killed). Rootless nothing else ends
                    // this process (its parent, the first step, is tied to nothing).
                    Libc.kill(-1, Libc.SIGKILL);
                    exitAllowed = true;
                    controlOpen = false;
                }
            }
            if (polled[0].Revents == 0)
            {
                continue;
            }
            nint got = Libc.read(signals, infos, 16 * SignalInfoSize);
            for (nint at = 0; at + SignalInfoSize <= got; at += SignalInfoSize)
            {
                int signal = *(int*)(infos + at);
                if (signal != Libc.SIGCHLD)
                {
                    if (!exited)
                    {
                        Libc.kill(child, signal);
                    }
                    continue;
                }
                int status, pid;
                while ((pid = Libc.waitpid(-1, &status, WNOHANG)) > 0)
                {
                    if (pid == child && !exited)
                    {
                        exited = true;
                        commandStatus = status;
                        Debug.Mark(since, "command reaped");
                        Libc.kill(-1, Libc.SIGKILL);
                        while (Libc.waitpid(-1, &status, 0) > 0 || Libc.Errno == Libc.EINTR)
                        {
                        }
                        Debug.Mark(since, "the rest killed and reaped");
                        Report.Send("exited", commandStatus, 0, false);
                        break;
                    }
                }
            }
        }
        int signalled = commandStatus & 0x7f;
        return signalled == 0 ? (commandStatus >> 8) & 0xff : 128 + signalled;
    }
}
