using System.Runtime.InteropServices;
using TinyDocker.Testing;

namespace TinyDocker.Cli.Tests;

/// <summary>
/// SIGKILL of a rootless tool before its container's init exists: the first step (util-linux
/// unshare, tied to nothing of the tool's) is caught and stopped as soon as it is seen, the tool
/// killed, the first step let go. It maps the ids and forks the init as ever; the init, finding the
/// tool gone, must end, and nothing of the run may outlive it (RootlessTests kills the tool while
/// the command runs).
/// </summary>
public sealed class RootlessEarlyKillTests : IClassFixture<BusyboxImage>, IDisposable
{
    private const int SIGSTOP = 19, SIGCONT = 18;
    private readonly BusyboxImage _image;
    private readonly TinyTool _tool = new();

    public RootlessEarlyKillTests(BusyboxImage image) => _image = image;

    public void Dispose() => _tool.Dispose();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);

    [RootlessFact]
    public void Sigkill_of_the_tool_while_its_first_step_maps_the_ids_leaves_nothing_behind()
    {
        _tool.RunAs = RootlessUser.WithRanges;
        bool caughtEarly = false;
        // A loaded machine may let the first step fork its init before this thread sees it: then
        // that run is the later window, checked the same way, and the next attempt tries again.
        for (int attempt = 0; attempt < 10 && !caughtEarly; attempt++)
        {
            string name = $"rl-early{attempt}";
            using var run = _tool.Start("run", "--no-cwd", "--image", _image.Dir, name, "sleep", "300");
            int firstStep = StopFirstChild(run.Id);
            // Drained: the init holds the tool's stdout and stderr (the test's pipes) until it ends.
            _ = run.StandardOutput.ReadToEndAsync();
            _ = run.StandardError.ReadToEndAsync();
            try
            {
                caughtEarly = !Descendants(firstStep).Any(p => CommandLine(p).Contains("__init", StringComparison.Ordinal));
                run.Kill();
                run.WaitForExit();
            }
            finally
            {
                Kill(firstStep, SIGCONT);
            }
            string state = Path.Combine(_tool.StateRoot, name);
            Assert.True(WaitNone(() => Directory.Exists($"/proc/{firstStep}") ? [firstStep] : Ours(state)),
                $"attempt {attempt}: the first step {firstStep} or the init of {state} outlived the tool");
            Assert.Empty(_tool.LeftMounts());
        }
        Assert.True(caughtEarly, "never saw the first step before its init in 10 runs");
        Assert.Equal(0, _tool.Run("prune").ExitCode);
        Assert.Empty(_tool.StateEntries());
    }

    /// <summary>The first child of <paramref name="pid"/> (any of its threads'), stopped the moment it is seen.</summary>
    private static int StopFirstChild(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (Children(pid).FirstOrDefault() is int child and > 0)
            {
                Assert.Equal(0, Kill(child, SIGSTOP));
                return child;
            }
        }
        throw new TimeoutException($"the tool {pid} started no first step in 30 s");
    }

    private static IEnumerable<int> Children(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }
        foreach (var task in tasks)
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (IOException)
            {
                continue;
            }
            foreach (var c in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                yield return int.Parse(c, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    private static IEnumerable<int> Descendants(int pid)
        => Children(pid).SelectMany(c => Descendants(c).Prepend(c));

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Processes whose command line names the container's state directory (its init reads its spec there).</summary>
    private static int[] Ours(string stateDir)
        => Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out int p) ? p : 0)
            .Where(p => p > 0 && CommandLine(p).Contains(stateDir + "/", StringComparison.Ordinal))
            .ToArray();

    private static bool WaitNone(Func<int[]> left)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (left().Length > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
        return left().Length == 0;
    }
}
