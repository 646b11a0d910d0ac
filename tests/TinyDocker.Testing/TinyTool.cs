using System.Diagnostics;

namespace TinyDocker.Testing;

/// <summary>
/// Runs the real dotnet-tinydocker binary as a user would, against a state root of its own
/// (removed, with anything left in it, on Dispose). TINYDOCKER_EXE names another build of the
/// tool to test, e.g. the NativeAOT one; otherwise the build beside the test assembly is used.
/// </summary>
public sealed class TinyTool : IDisposable
{
    public TinyTool()
    {
        // An ordinary user cannot write /run: its state roots go to the temporary directory, made
        // 0700 as the tool makes its own (the name stays short: sockets live below it).
        StateRoot = $"{(Machine.IsRoot ? "/run" : Path.TrimEndingDirectorySeparator(Path.GetTempPath()))}/tinydocker-test-{Guid.NewGuid().ToString("N")[..19]}";
        if (!Machine.IsRoot)
        {
            Directory.CreateDirectory(StateRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        // An image store of its own too (a test may set another): no test touches /var/lib/tinydocker.
        DataRoot = Path.Combine(Path.GetTempPath(), $"tinydocker-test-data-{Guid.NewGuid():N}");
        Environment["TINYDOCKER_DATA"] = DataRoot;
    }

    /// <summary>This tool's TINYDOCKER_ROOT.</summary>
    public string StateRoot { get; }

    /// <summary>This tool's default TINYDOCKER_DATA (created only when a run needs the image store).</summary>
    public string DataRoot { get; }

    /// <summary>
    /// Runs the tool as this ordinary user (rootless) when set; its state and data roots are then
    /// made the user's before the first run.
    /// </summary>
    public RootlessUser? RunAs
    {
        get => _runAs;
        set
        {
            _runAs = value;
            value?.Own(StateRoot);
            value?.Own(DataRoot);
        }
    }

    private RootlessUser? _runAs;

    /// <summary>More environment variables for every run of the tool (e.g. TINYDOCKER_DATA).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>How this state root's cgroups begin: a short hash of it (see Cgroups/Cgroup.cs).</summary>
    public string CgroupPrefix
        => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(StateRoot)))[..8].ToLowerInvariant() + "-";

    public static string Executable
        => System.Environment.GetEnvironmentVariable("TINYDOCKER_EXE") is { Length: > 0 } exe
            ? exe
            : Path.Combine(AppContext.BaseDirectory, "dotnet-tinydocker");

    /// <summary>The build this instance runs: <see cref="Executable"/> unless a test points it at a copy.</summary>
    public string Program { get; set; } = Executable;

    public ProcessStartInfo StartInfo(IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? System.Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["TINYDOCKER_ROOT"] = StateRoot;
        // Tests SIGKILL tools on purpose, and a JIT-compiled runtime killed so leaves its diagnostic
        // socket and debugger pipes in /tmp (removed only at a clean exit): about 90 a CI pass.
        // No test debugs or traces the tool; one that needs them on sets the key in Environment.
        psi.Environment["DOTNET_EnableDiagnostics"] = "0";
        foreach (var (key, value) in Environment)
        {
            psi.Environment[key] = value;
        }
        return RunAs is { } user ? user.Wrap(psi) : psi;
    }

    /// <summary>Runs the tool to completion (at most <paramref name="timeout"/>), feeding it <paramref name="stdin"/>.</summary>
    public ToolResult Run(IEnumerable<string> args, string? stdin = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        using var p = Process.Start(StartInfo(args, workingDirectory))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
        }
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"tinydocker {string.Join(' ', args)} did not finish in time");
        }
        return new ToolResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    public ToolResult Run(params string[] args) => Run((IEnumerable<string>)args);

    /// <summary>
    /// Starts the tool and returns at once; the caller waits for or kills the process. Whatever is
    /// still running when this tool is disposed (a test that failed half-way) is killed then.
    /// </summary>
    public Process Start(params string[] args)
    {
        var process = Process.Start(StartInfo(args))!;
        // A handle of our own: the test may dispose the one it gets before this tool is disposed.
        _started.Add(Process.GetProcessById(process.Id));
        return process;
    }

    private readonly List<Process> _started = [];

    /// <summary>Names of the entries in the state root (empty when it does not exist).</summary>
    /// <summary>
    /// Host mounts below this tool's state or data root: every mount a run makes is below its
    /// state directory, so this is what a run could leave behind. Scoped on purpose: the rest of
    /// the table changes whenever another test or another run on this machine mounts something.
    /// </summary>
    public IReadOnlyList<string> LeftMounts()
        => Machine.Mounts().Where(m => Below(m.Split(' ')[0], StateRoot) || Below(m.Split(' ')[0], DataRoot)).ToList();

    private static bool Below(string path, string root) => path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

    public IReadOnlyList<string> StateEntries()
        => Directory.Exists(StateRoot) ? Directory.EnumerateFileSystemEntries(StateRoot).Select(e => Path.GetFileName(e)).ToList() : [];

    /// <summary>
    /// `run -d` leaves a supervisor of its own session behind: SIGKILL each one of this state root
    /// (its container dies with it; `prune` then removes the state). Only processes whose
    /// environment names this state root: never another test's.
    /// </summary>
    public void KillDetachedSupervisors()
    {
        foreach (var file in Directory.Exists(StateRoot) ? Directory.EnumerateFiles(StateRoot, "supervisor", SearchOption.AllDirectories) : [])
        {
            if (!int.TryParse(File.ReadAllText(file).Trim(), out int pid) || !SupervisorOfThisRoot(pid))
            {
                continue;
            }
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                p.WaitForExit(10_000);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // gone already
            }
        }
    }

    /// <summary>Pids of the live detached supervisors of this state root, found in /proc (not through its files).</summary>
    public IReadOnlyList<int> Supervisors()
        => Machine.ProcessesWith("__supervise").Where(SupervisorOfThisRoot).ToList();

    private bool SupervisorOfThisRoot(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains($"TINYDOCKER_ROOT={StateRoot}")
                && File.ReadAllText($"/proc/{pid}/cmdline").Contains("__supervise", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            try
            {
                if (!process.HasExited)
                {
                    // SIGKILL to the tool: its container dies with it (parent-death signal).
                    process.Kill();
                    process.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
                // exited and reaped already
            }
            process.Dispose();
        }
        KillDetachedSupervisors();
        if (Directory.Exists(StateRoot))
        {
            Run("prune");
            Directory.Delete(StateRoot, recursive: true);
        }
        if (Directory.Exists(DataRoot))
        {
            try
            {
                Directory.Delete(DataRoot, recursive: true);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException && !Machine.IsRoot)
            {
                RemoveAsRootOfOwnNamespace(DataRoot);
            }
        }
    }

    /// <summary>
    /// An ordinary user's store holds read-only layer directories and, with a subuid range, files of
    /// the range (docs/rootless.md, Images): only root of the user's own namespace may remove them,
    /// as the tool's `image rm` and `prune` do. The same map the tool uses: 0 is the user, 1.. the range.
    /// </summary>
    private static void RemoveAsRootOfOwnNamespace(string path)
    {
        string user = System.Environment.UserName, uid = Machine.GetEuid().ToString(System.Globalization.CultureInfo.InvariantCulture);
        string? Range(string file) => File.Exists(file)
            ? File.ReadLines(file).Select(l => l.Split(':')).Where(f => f.Length == 3 && (f[0] == user || f[0] == uid))
                .Select(f => $"{f[1]},1,{Math.Min(long.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), 65536)}").FirstOrDefault()
            : null;
        var args = Range("/etc/subuid") is { } users && Range("/etc/subgid") is { } groups
            ? new List<string> { "--map-user=0", "--map-group=0", $"--map-users={users}", $"--map-groups={groups}" }
            : ["--map-root-user"];
        args.AddRange(["rm", "-rf", "--one-file-system", "--", path]);
        var psi = new ProcessStartInfo("/usr/bin/unshare") { RedirectStandardError = true };
        args.ForEach(psi.ArgumentList.Add);
        using var rm = Process.Start(psi)!;
        string err = rm.StandardError.ReadToEnd();
        rm.WaitForExit();
        if (rm.ExitCode != 0 || Directory.Exists(path))
        {
            throw new IOException($"cannot remove the test's data root `{path}` in the user's namespace: {err.Trim()}");
        }
    }
}
