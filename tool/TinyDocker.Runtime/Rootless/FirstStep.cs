// Runs in: the host tool: builds the argv of a rootless container's first step.
namespace TinyDocker.Runtime.Rootless;

/// <summary>
/// A rootless container's way in. A .NET process is multi-threaded before Main, and the kernel
/// lets only a single-threaded process unshare or join a user namespace (EINVAL otherwise), so
/// the first step is a single-threaded program that makes the user namespace and every other
/// namespace inside it, forks the init as PID 1 and waits for it; the tool maps the ids meanwhile
/// (Rootless/MapWriter.cs). It is the tool's own `tinydocker-firststep` where one can be trusted
/// (Rootless/OwnFirstStep.cs), else util-linux's `unshare` (an essential package on Debian, Ubuntu
/// and Fedora), which takes the same steps with `--keep-caps --fork --kill-child`: both kill the
/// init when they die. Exec joins with `nsenter`, and a `--network container:` run with nsenter and unshare.
/// <para>
/// Nothing ties the first step itself to the tool (a `setpriv --pdeathsig KILL` before it did:
/// one exec more, 1.5 ms of CPU per run, bench/notes.md): the tool's death is seen through its
/// pipes instead, which no other process holds (close-on-exec in the tool). Before the init
/// exists, the first step forks the init as ever, its ids unmapped; the init's reports go nowhere
/// and it reads EOF on the control pipe: before its go it exits, after it it kills every process
/// of the namespace, including a command it spawns after that read (Init/Reaper.cs), and exits.
/// The first step, whose only child is the init, exits with it. A
/// first step that printed an error would die of SIGPIPE on its stderr pipe, killing the init.
/// RootlessTests SIGKILL the tool in both windows.
/// </para>
/// </summary>
internal static class FirstStep
{
    public const string Unshare = "unshare", Nsenter = "nsenter";

    /// <summary>What <see cref="RunArgv"/> and <see cref="JoinArgv"/> start, as error messages name it.</summary>
    public static string RunName => OwnFirstStep.Path ?? "util-linux unshare";

    public const string JoinName = "util-linux nsenter and unshare";

    /// <summary>
    /// The argv that starts <paramref name="initArgv"/> as PID 1 of new namespaces inside a new user
    /// namespace, whose ids the tool maps while the init starts (Rootless/MapWriter.cs says why).
    /// </summary>
    public static string[] RunArgv(bool newNetwork, IReadOnlyList<string> initArgv)
    {
        if (OwnFirstStep.Path is { } own)
        {
            return newNetwork ? [own, "--net", "--", .. initArgv] : [own, "--", .. initArgv];
        }
        var argv = new List<string> { Find(Unshare), "--user", "--keep-caps", "--mount", "--uts", "--ipc", "--pid" };
        if (newNetwork)
        {
            argv.Add("--net");
        }
        argv.AddRange(["--fork", "--kill-child", "--"]);
        argv.AddRange(initArgv);
        return [.. argv];
    }

    /// <summary>
    /// `--network container:NAME`: the argv that starts <paramref name="initArgv"/> as PID 1 of new
    /// namespaces inside the user namespace and network namespace of NAME's init
    /// <paramref name="targetPid"/> (Rootless/SharedUserNamespace.cs says why its user namespace).
    /// nsenter joins both and execs unshare, which makes the others there: the caller's uid is the
    /// one root inside maps to, so unshare is root there with every capability of that namespace.
    /// </summary>
    public static string[] JoinArgv(int targetPid, IReadOnlyList<string> initArgv)
        => ExecArgv(targetPid, [Find(Unshare), "--mount", "--uts", "--ipc", "--pid", "--fork", "--kill-child", "--", .. initArgv], alsoNetwork: true);

    /// <summary>
    /// The argv that starts <paramref name="helperArgv"/> in the user namespace of process
    /// <paramref name="initPid"/>; the helper joins the other namespaces itself. The caller's own
    /// ids are kept (nsenter's setgroups would fail where the namespace denies it): the caller's
    /// uid is the one root inside maps to, so the helper is root there.
    /// </summary>
    /// <paramref name="alsoNetwork"/>: the network namespace too (the tcp readiness probe, which joins nothing itself).
    public static string[] ExecArgv(int initPid, IReadOnlyList<string> helperArgv, bool alsoNetwork = false)
    {
        var argv = new List<string>
        {
            Find(Nsenter), $"--target={initPid.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "--user",
        };
        if (alsoNetwork)
        {
            argv.Add("--net");
        }
        argv.AddRange(["--preserve-credentials", "--"]);
        argv.AddRange(helperArgv);
        return [.. argv];
    }

    /// <summary>
    /// The argv that runs <paramref name="argv"/> as root of a new user namespace with <paramref name="map"/>
    /// and no other new namespace (the layer helper, and removing what it made: Rootless/LayerInUserNamespace.cs).
    /// </summary>
    public static string[] UserNamespaceArgv(IdMap map, IReadOnlyList<string> argv)
        => [Find(Unshare), "--user", .. map.UnshareOptions(), "--", .. argv];

    /// <summary>
    /// The first step's environment: <paramref name="helper"/> with PATH the system's own. unshare
    /// runs newuidmap and newgidmap through PATH (execvp): the caller's could name others than the
    /// ones in /usr/bin that IdMap checked, and every directory before /usr/bin cost a failed execve
    /// each. The init gets the same environment; it looks nothing up on its own PATH.
    /// </summary>
    public static List<string> Environment(IEnumerable<string> helper)
        => [.. helper.Where(e => !e.StartsWith("PATH=", StringComparison.Ordinal)), SystemPath];

    public const string SystemPath = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The tool in /usr/bin or /bin (never a PATH lookup: PATH is the caller's to change).</summary>
    private static string Find(string tool)
        => new[] { "/usr/bin", "/bin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
           ?? throw new TinyDockerException($"rootless containers need util-linux's `{tool}` in /usr/bin (Debian and Ubuntu: apt-get install util-linux)");
}
