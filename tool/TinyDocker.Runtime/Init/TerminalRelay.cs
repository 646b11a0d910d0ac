// Runs in: the container's init (run -t) or the exec helper (exec -t), on a thread of its own
// that keeps root and the host's view of descriptors 0 and 1. Started before pivot_root: a
// JIT-compiled init loads nothing after it.
using System.Runtime.InteropServices;
using TinyDocker.Runtime.Interop;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Init;

/// <summary>
/// `-t`: a pseudo-terminal of the container's own devpts whose slave is the command's controlling
/// terminal. This relays the host's stdin (with -i) to the master and the master to the host's
/// stdout, and passes the host terminal's size on at start and on every SIGWINCH. The host's
/// terminal itself is in raw mode meanwhile (the tool sets it), so Ctrl-C, Ctrl-Z and the rest
/// reach the pty's line discipline as bytes and it signals the container's foreground process group.
/// </summary>
internal sealed unsafe class TerminalRelay : IDisposable
{
    private const int HostIn = 0, HostOut = 1;
    private const int DrainMs = 500;
    private const short Ready = 0x1 | 0x8 | 0x10; // POLLIN | POLLERR | POLLHUP
    private readonly int _master;
    private int _slave;
    private readonly bool _relayInput;
    private PosixSignalRegistration? _resize;
    private readonly BlockingEvent _outputDone = new();
    private volatile bool _stop;
    private bool _started;

    private TerminalRelay(int master, int slave, bool relayInput)
    {
        _master = master;
        _slave = slave;
        _relayInput = relayInput;
        Resize();
    }

    /// <summary>
    /// Starts relaying and following the window size. Separate from <see cref="Open"/>: the exec
    /// helper opens the terminal on its thread in the container, which can start no thread.
    /// </summary>
    public void Start()
    {
        _resize = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, ctx =>
        {
            ctx.Cancel = true;
            Resize();
        });
        Sys.StartThread("tinydocker-tty", Relay);
        _started = true;
    }

    /// <summary>The slave's path, as the command opens it (inside the container).</summary>
    public required string SlavePath { get; init; }

    /// <summary>
    /// Opens a new pseudo-terminal at <paramref name="devDir"/> (the container's /dev, seen from
    /// this thread) and makes its slave <paramref name="owner"/>'s (as a login terminal is). <paramref name="slaveDir"/> is where the command will find the slave.
    /// </summary>
    public static TerminalRelay Open(string devDir, string slaveDir, Spec.UserIds? owner, bool relayInput)
    {
        // The instance's own ptmx, not a /dev/ptmx link that could lead to another devpts.
        var (master, slave) = Sys.OpenPtyMaster(Path.Combine(devDir, "pts", "ptmx"), Path.Combine(devDir, "pts"));
        int slaveFd = -1;
        try
        {
            // Held until the command has it open: a master whose slave was opened and closed again reads EIO.
            slaveFd = Sys.Open(slave, O_RDWR | O_NOCTTY);
            if (owner is { } user)
            {
                Sys.Fchown(slaveFd, user.Uid, user.Gid);
            }
            return new TerminalRelay(master, slaveFd, relayInput) { SlavePath = $"{slaveDir}/{Path.GetFileName(slave)}" };
        }
        catch
        {
            if (slaveFd >= 0)
            {
                Sys.Close(slaveFd);
            }
            Sys.Close(master);
            throw;
        }
    }

    /// <summary>Once the command runs (it holds the slave itself), the relay ends when the last holder closes it.</summary>
    public void CommandStarted()
    {
        if (_slave >= 0)
        {
            Sys.Close(_slave);
            _slave = -1;
        }
    }

    private void Resize()
    {
        foreach (int fd in (int[])[HostIn, HostOut, 2])
        {
            if (Sys.GetWindowSize(fd) is { } size)
            {
                Sys.SetWindowSize(_master, size);
                return;
            }
        }
    }

    private void Relay()
    {
        byte[] buffer = new byte[16 * 1024];
        pollfd* fds = stackalloc pollfd[2];
        bool input = _relayInput;
        while (!_stop)
        {
            fds[0] = new pollfd { fd = _master, events = (short)POLLIN };
            fds[1] = new pollfd { fd = input ? HostIn : -1, events = (short)POLLIN };
            if (poll(fds, 2, 100) <= 0)
            {
                continue;
            }
            if ((fds[0].revents & Ready) != 0)
            {
                // EIO once no process holds the slave any more: the output is complete.
                int n = Sys.Read(_master, buffer);
                if (n <= 0 || !Sys.WriteAll(HostOut, buffer.AsSpan(0, n)))
                {
                    break;
                }
            }
            if (input && (fds[1].revents & Ready) != 0)
            {
                int n = Sys.Read(HostIn, buffer);
                if (n <= 0 || !Sys.WriteAll(_master, buffer.AsSpan(0, n)))
                {
                    input = false; // the host's stdin ended: the command keeps its terminal
                }
            }
        }
        _outputDone.Set();
    }

    /// <summary>
    /// After the command exited: lets the relay pass on what the command wrote last (it ends at
    /// EIO, when nothing holds the slave), at most half a second if a leftover process holds it.
    /// </summary>
    public void Finish()
    {
        if (!_started)
        {
            return;
        }
        _outputDone.Wait(DrainMs);
        _stop = true;
        _outputDone.Wait();
    }

    public void Dispose()
    {
        _resize?.Dispose();
        CommandStarted();
        _stop = true;
        if (_started)
        {
            _outputDone.Wait(DrainMs);
        }
        Sys.Close(_master);
    }
}
