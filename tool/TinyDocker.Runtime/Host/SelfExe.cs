// Runs in: the host tool.
namespace TinyDocker.Runtime.Host;

/// <summary>How to start this tool again, in one of its internal modes (the init, the exec helper).</summary>
internal static class SelfExe
{
    public const string InitVerb = "__init";

    /// <summary>The init on its own, which a NativeAOT publish puts beside the CLI (tool/TinyDocker.Init).</summary>
    public const string InitExeName = "tinydocker-init";

    /// <summary>
    /// argv for the container's init: tinydocker-init beside this executable when it is there and
    /// executable (a third of the CLI's size: each container's PID 1 starts in less time and CPU),
    /// else this program again in init mode. Both run the same code (Init/ContainerInit.cs); the
    /// separate one comes out of the same publish, so it speaks the same protocol.
    /// </summary>
    public static string[] InitArgv(string specPath)
    {
        string? dir = Path.GetDirectoryName(Environment.ProcessPath);
        string init = Path.Combine(dir ?? "", InitExeName);
        return dir is not null && Path.GetFileNameWithoutExtension(Environment.ProcessPath) != "dotnet" && IsExecutable(init)
            ? [init, specPath]
            : Argv(InitVerb, specPath);
    }

    /// <summary>Whether a /proc/PID/cmdline (NUL-separated) is a container init's, in either of its forms.</summary>
    public static bool IsInitCommandLine(string cmdline)
    {
        string[] argv = cmdline.Split('\0');
        return argv.Contains(InitVerb) || Path.GetFileName(argv[0]) == InitExeName;
    }

    // NuGet extracts package files without their execute bits: without them the CLI starts itself.
    private static bool IsExecutable(string path)
        => File.Exists(path) && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;

    /// <summary>argv for "this program, exec helper mode" (see Init/ExecHelper.cs).</summary>
    public static string[] ExecArgv(int initPid)
        => Argv(Init.ExecHelper.Verb, initPid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>argv for "this program, one rootless tcp readiness probe" (see Host/ReadinessCheck.cs).</summary>
    public static string[] TcpProbeArgv(string port) => Argv(ReadinessCheck.TcpProbeVerb, port);

    /// <summary>argv for "this program, detached supervisor mode" (see Host/DetachedStart.cs).</summary>
    public static string[] SupervisorArgv(bool hasOwner) => Argv(DetachedStart.Verb, hasOwner ? DetachedStart.WithOwner : "-");

    /// <summary>
    /// The native binary alone when published as one (apphost or NativeAOT), or the dotnet host
    /// and the entry assembly when run as `dotnet x.dll`.
    /// </summary>
    private static string[] Argv(string verb, string argument)
    {
        string exe = Environment.ProcessPath ?? throw new TinyDockerException("cannot find the path of this executable");
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
        {
            string entry = Environment.GetCommandLineArgs()[0];
            return [exe, entry, verb, argument];
        }
        return [exe, verb, argument];
    }

    /// <summary>
    /// The environment a helper that enters a container gets: what the .NET host needs to start
    /// this program, nothing else (the host's environment may hold secrets).
    /// </summary>
    public static List<string> HelperEnvironment()
        => Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => (Key: (string)e.Key, Value: (string?)e.Value))
            .Where(e => e.Key is "PATH" || e.Key.StartsWith("DOTNET_", StringComparison.Ordinal))
            .Select(e => $"{e.Key}={e.Value}").ToList();
}
