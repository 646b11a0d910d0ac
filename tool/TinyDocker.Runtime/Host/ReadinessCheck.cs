// Runs in: the host tool (`wait --for`), in the host's namespaces; the tcp probe's own thread
// alone joins the container's network namespace.
using System.Globalization;
using System.Text.RegularExpressions;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// One `wait --for` condition: tcp:PORT (a connect to 127.0.0.1:PORT in the container's network
/// namespace succeeds), cmd:COMMAND (`/bin/sh -c COMMAND`, exec'd in the container, exits 0) or
/// log:REGEX (a line of its log matches). Parsed, all of them, before anything is probed.
/// </summary>
public abstract record ReadinessCheck(string Text)
{
    public static ReadinessCheck Parse(string text)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string kind = colon < 0 ? text : text[..colon], value = colon < 0 ? "" : text[(colon + 1)..];
        return kind switch
        {
            "tcp" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536
                ? new Tcp(text, port)
                : throw new TinyDockerException($"invalid readiness check `{text}`: expected tcp:PORT with PORT 1-65535"),
            "cmd" => value.Length > 0 ? new Cmd(text, value) : throw new TinyDockerException($"invalid readiness check `{text}`: expected cmd:COMMAND"),
            "log" => new Log(text, Compile(text, value)),
            _ => throw new TinyDockerException($"unknown readiness check `{text}`: use tcp:PORT, cmd:COMMAND or log:REGEX"),
        };
    }

    /// <summary>
    /// The log is the container's: a backtracking engine could be made to take exponential time on
    /// a line it wrote. NonBacktracking matches in linear time (no lookarounds, no backreferences).
    /// </summary>
    private static Regex Compile(string text, string pattern)
    {
        try
        {
            return pattern.Length == 0
                ? throw new TinyDockerException($"invalid readiness check `{text}`: expected log:REGEX")
                : new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new TinyDockerException($"invalid regex in `{text}`: {e.Message}");
        }
    }

    public sealed record Tcp(string Text, int Port) : ReadinessCheck(Text)
    {
        /// <summary>
        /// The connect is made by a thread of this process that joins the container's network
        /// namespace and nothing else: it stays in the host's mount, PID and user namespaces, runs no
        /// code of the container's, sends and reads nothing, and ends after the one connect, so the
        /// container gains no way to the host (it sees a connection from its own 127.0.0.1).
        /// With `--network host` the container's port is the host's own: the connect is made from
        /// here, joining nothing (rootless, no thread or helper could join the host's network
        /// namespace from the container's user namespace, which does not own it).
        /// </summary>
        public bool Probe(string root, string name)
        {
            using var init = NetworkJoin.OpenInit(root, name);
            var container = LiveContainer.Open(root, name);
            if (container.Spec.Network == NetworkModes.Host)
            {
                return Sys.TryConnectLoopback(Port, 1000);
            }
            if (container.Spec.Rootless)
            {
                return ProbeRootless(container.InitPid);
            }
            bool connected = false;
            Exception? error = null;
            var thread = new Thread(() =>
            {
                try
                {
                    Sys.SetNs(init.Value, CLONE_NEWNET);
                    connected = Sys.TryConnectLoopback(Port, 1000);
                }
                catch (Exception e)
                {
                    error = e;
                }
            }) { IsBackground = true, Name = "tinydocker-tcp-probe" };
            thread.Start();
            thread.Join();
            return error is null ? connected : throw error;
        }

        /// <summary>
        /// Rootless, the container's network namespace belongs to its user namespace, which no thread
        /// of this multi-threaded process can join: util-linux nsenter joins both for a probe process
        /// of this program (still in the host's mount and PID namespaces), which makes the one connect.
        /// </summary>
        private bool ProbeRootless(int initPid)
        {
            string[] argv = Rootless.FirstStep.ExecArgv(initPid,
                SelfExe.TcpProbeArgv(Port.ToString(CultureInfo.InvariantCulture)), alsoNetwork: true);
            // Its output is not wait's: nsenter's complaint about a container exiting meanwhile
            // ("cannot open /proc/PID/ns/user") would otherwise land on wait's stderr.
            int devNull = Sys.Renumber(Sys.Open("/dev/null", O_RDWR));
            int pid = Sys.Spawn(argv[0], argv, SelfExe.HelperEnvironment(), [(devNull, 0), (devNull, 1), (devNull, 2)], out int errno);
            Sys.Close(devNull);
            if (pid < 0)
            {
                throw new SyscallException("posix_spawn", argv[0], errno);
            }
            Sys.Wait(pid, out int status);
            return status == 0;
        }
    }

    /// <summary>`__tcp-probe PORT`: one connect to 127.0.0.1:PORT where this process is; exit 0 when it succeeds.</summary>
    public const string TcpProbeVerb = "__tcp-probe";

    public static int ProbeHere(string port)
        => int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is > 0 and < 65536
           && Sys.TryConnectLoopback(p, 1000) ? 0 : 1;

    public sealed record Cmd(string Text, string Command) : ReadinessCheck(Text)
    {
        /// <summary>As `exec NAME /bin/sh -c COMMAND` with its input and output /dev/null.</summary>
        public bool Probe(string root, string name)
        {
            var container = LiveContainer.Open(root, name);
            var exec = container.Spec with
            {
                Command = ["/bin/sh", "-c", "exec </dev/null >/dev/null 2>&1\n" + Command],
                Tty = false,
                Interactive = false,
            };
            return ContainerExec.Run(container, exec) == 0;
        }
    }

    public sealed record Log(string Text, Regex Pattern) : ReadinessCheck(Text)
    {
        public bool Matches(ContainerLog.Entry entry) => Pattern.IsMatch(System.Text.Encoding.UTF8.GetString(entry.Bytes));
    }
}
