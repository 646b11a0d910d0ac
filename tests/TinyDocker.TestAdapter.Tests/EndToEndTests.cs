using System.Diagnostics;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using TinyDocker.Testing;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>
/// Real `dotnet test` runs of the sample (a passing, a failing, a skipped and a hanging container
/// case beside an ordinary xunit test) against the real package. Each run shows several things
/// at once: a run costs 10-30 s on 2 cores.
/// </summary>
public sealed class EndToEndTests : IClassFixture<PackedSample>
{
    private const string Pass = "tests/pass.sh";
    private const string Fail = "tests/fail.sh";
    private const string Skip = "tests/skip.sh";
    private const string Hang = "tests/hang.sh";
    private const string XunitTest = "SampleContainerTests.UnitTests.Ordinary_xunit_tests_run_beside_the_container_cases";
    private static readonly string[] ContainerCases = [Fail, Hang, Pass, Skip];

    private readonly PackedSample _sample;

    public EndToEndTests(PackedSample sample) => _sample = sample;

    [ContainerFact]
    public void The_package_holds_the_adapter_and_its_build_files_under_build_the_cli_under_tools_and_an_empty_lib()
    {
        _sample.EnsureBuilt();
        using var package = System.IO.Compression.ZipFile.OpenRead(Assert.Single(Directory.GetFiles(_sample.Feed, "*.nupkg")));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Equal(["build/TinyDocker.ContainerCases.dll", "build/TinyDocker.TestAdapter.Hosted.targets", "build/TinyDocker.TestAdapter.dll",
                      "build/TinyDocker.TestAdapter.props", "build/TinyDocker.TestAdapter.targets",
                      "build/hosted/TinyContainer.MSTest.cs", "build/hosted/TinyContainer.NUnit.cs", "build/hosted/TinyContainer.XunitV3.cs"],
            entries.Where(e => e.StartsWith("build/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(0, Assert.Single(package.Entries, e => e.FullName.StartsWith("lib/", StringComparison.Ordinal) && e.FullName == "lib/net10.0/_._").Length);
        Assert.Single(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
        Assert.Contains("tools/tinydocker/dotnet-tinydocker.dll", entries);
        // The NativeAOT CLI for this machine, preferred at run time (client/CliTool.cs).
        if (System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Contains("tools/tinydocker/linux-x64/dotnet-tinydocker", entries);
        }
        Assert.Contains("tools/tinydocker/TinyDocker.Runtime.dll", entries);
        // The build copied the adapter and its case runner, and only them, beside the test assembly; the cases file is there too.
        string output = Path.Combine(_sample.Dir, "bin", "Debug", "net10.0");
        Assert.True(File.Exists(Path.Combine(output, "TinyDocker.TestAdapter.dll")));
        Assert.True(File.Exists(Path.Combine(output, "TinyDocker.ContainerCases.dll")));
        Assert.True(File.Exists(Path.Combine(output, "SampleContainerTests.TinyContainerTests.json")));
        Assert.False(File.Exists(Path.Combine(output, "TinyDocker.Runtime.dll")));
        Assert.False(File.Exists(Path.Combine(output, "Tmds.LibC.dll")));
    }

    [ContainerFact]
    public void A_run_reports_each_case_with_its_outcome_message_output_duration_and_attachments()
    {
        string dir = _sample.EnsureBuilt();
        var run = Test(dir, "all", [], "--", "TinyDocker.MaxParallel=4");

        Assert.True(run.Process.ExitCode == 1, $"dotnet test should fail (one case fails, one times out):\n{run.Process}");
        var results = run.Results.ToDictionary(r => r.Name);
        Assert.Equal(ContainerCases.Append(XunitTest).Order(StringComparer.Ordinal), results.Keys.Order(StringComparer.Ordinal));

        var pass = results[Pass];
        Assert.Equal("Passed", pass.Outcome);
        Assert.Contains("hello from container t-tests-pass.sh-", pass.StdOut);
        Assert.Contains($"running on: {HostPrettyName()}", pass.StdOut);
        Assert.True(pass.Duration > TimeSpan.Zero && pass.Duration < TimeSpan.FromSeconds(30), $"pass took {pass.Duration}");
        var report = Assert.Single(pass.ResultFiles);
        Assert.Equal("report.txt", Path.GetFileName(report));
        Assert.Equal("report of tests/pass.sh\n", File.ReadAllText(report));

        var fail = results[Fail];
        Assert.Equal("Failed", fail.Outcome);
        Assert.Equal("exit code 3", fail.Message.Trim());
        Assert.Contains("checking the answer", fail.StdOut);
        Assert.Contains("expected 42\nbut got 41", fail.StdErr);
        // Its output once: the console shows its stderr as its standard error, not again in the message.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(run.Process.Stdout, "but got 41"));
        // Its evidence: what it changed (nothing, here) as an attachment in its own folder.
        string changes = Assert.Single(fail.ResultFiles);
        Assert.Equal("changes.txt", Path.GetFileName(changes));
        Assert.Equal("(no changes)\n", File.ReadAllText(changes));

        var skip = results[Skip];
        Assert.Equal("NotExecuted", skip.Outcome);
        Assert.Equal("no GPU on this machine", skip.Message.Trim());
        Assert.Contains("looking for a GPU", skip.StdOut);

        var hang = results[Hang];
        Assert.Equal("Failed", hang.Outcome);
        Assert.StartsWith("timed out after 3s: the container was killed (exit code 124)", hang.Message);
        Assert.Contains("waiting forever", hang.StdOut);
        Assert.True(hang.Duration >= TimeSpan.FromSeconds(3) && hang.Duration < TimeSpan.FromSeconds(30), $"hang took {hang.Duration}");

        Assert.Equal("Passed", results[XunitTest].Outcome);

        // MaxParallel=4: the four cases ran at the same time.
        var cases = ContainerCases.Select(c => results[c]).ToList();
        Assert.True(cases.Max(c => c.Start) < cases.Min(c => c.End), "the container cases did not overlap in time");

        // The console logger tells the same story.
        Assert.Contains($"Failed {Fail}", run.Process.Stdout);
        Assert.Contains($"Skipped {Skip}", run.Process.Stdout);
        // The skip's reason too, at normal verbosity.
        Assert.Contains($"tinydocker: {Skip} skipped: no GPU on this machine", run.Process.Stdout);

        // Nothing left behind: the timed-out container was killed and every run removed its state.
        Assert.Empty(Machine.ProcessesWith(Path.Combine(dir, Hang)));
        Assert.Empty(_sample.Tool.StateEntries());
    }

    [ContainerFact]
    public void List_tests_names_every_case_and_a_filter_runs_one_case_with_the_run_settings_image_and_the_TINYDOCKER_PATH_tool()
    {
        string dir = _sample.EnsureBuilt();
        var list = Dotnet.Run(dir, _sample.Environment, "test", "--no-build", "-nologo", "--list-tests");
        Assert.True(list.ExitCode == 0, list.ToString());
        var listed = list.Stdout.Split('\n').Select(l => l.Trim()).ToHashSet();
        Assert.Superset(ContainerCases.Append(XunitTest).ToHashSet(), listed);

        // TINYDOCKER_PATH names another CLI: here the repository's own build, behind a script that logs its arguments.
        using var image = new BusyboxImage();
        string log = Path.Combine(_sample.Root, "tool.log");
        string wrapper = Path.Combine(_sample.Root, "tinydocker-wrapper");
        File.WriteAllText(wrapper, $"#!/bin/sh\necho \"$*\" >> '{log}'\nexec '{TinyTool.Executable}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, (UnixFileMode)0b111_101_101);
        var run = Test(dir, "filter", new() { ["TINYDOCKER_PATH"] = wrapper }, "--filter", $"FullyQualifiedName={Pass}", "--", $"TinyDocker.Image={image.Dir}");
        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        var only = Assert.Single(run.Results);
        Assert.Equal((Pass, "Passed"), (only.Name, only.Outcome));
        Assert.Contains("running on: an image without /etc/os-release", only.StdOut);
        Assert.StartsWith($"run --die-with-parent --image {image.Dir} -e TINYDOCKER_RESULTS=/tinydocker-results -e TINYDOCKER_TEST_NAME={Pass} --tmpfs /tinydocker-results --copy-out /tinydocker-results:", File.ReadAllText(log));
        // The sample asks for a memory limit only as root: rootless refuses limits here (no cgroup delegation).
        Assert.Contains(Containers.Rootless ? " --timeout 60 --json-status " : " --timeout 60 --memory 512m --json-status ", File.ReadAllText(log));
        Assert.EndsWith($" {Path.Combine(dir, Pass)}\n", File.ReadAllText(log));
        Assert.Empty(_sample.Tool.StateEntries());

        // A bad setting is one clear line, runs nothing, and fails the run.
        var bad = Dotnet.Run(dir, _sample.Environment, "test", "--no-build", "-nologo", "--filter", $"FullyQualifiedName={Pass}", "--", "TinyDocker.MaxParallel=0");
        Assert.True(bad.ExitCode != 0, bad.ToString());
        Assert.Contains("tinydocker: invalid run setting TinyDocker.MaxParallel `0`: expected a whole number of at least 1", bad.Stdout + bad.Stderr);
        Assert.DoesNotContain("Passed tests/pass.sh", bad.Stdout);
    }

    [ContainerFact]
    public void Three_shards_together_run_each_case_exactly_once()
    {
        string dir = _sample.EnsureBuilt();
        var shards = new[]
        {
            Test(dir, "shard1", new() { ["TinyDockerShard"] = "1/3" }),
            Test(dir, "shard2", new() { ["TinyDockerShard"] = "2/3" }),
            Test(dir, "shard3", [], "--", "TinyDocker.Shard=3/3"),
        };

        var ran = shards.SelectMany(s => s.Results.Select(r => r.Name)).Where(n => n != XunitTest).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ContainerCases, ran);
        // The xunit test is not the adapter's to shard: every shard runs it.
        Assert.All(shards, s => Assert.Contains(s.Results, r => r.Name == XunitTest));
    }

    [ContainerFact]
    public void Killing_the_run_leaves_no_container_behind()
    {
        string dir = _sample.EnsureBuilt();
        string script = Path.Combine(dir, Hang);
        var psi = Dotnet.StartInfo(dir, _sample.Environment, "test", "--no-build", "-nologo", "--filter", $"FullyQualifiedName={Hang}");
        // Killed below, `dotnet test` and the runtimes under it would each leave a diagnostic socket in /tmp.
        psi.Environment["DOTNET_EnableDiagnostics"] = "0";
        using var run = Process.Start(psi)!;
        run.StandardInput.Close();
        _ = run.StandardOutput.ReadToEndAsync();
        _ = run.StandardError.ReadToEndAsync();
        try
        {
            // The script runs (as PID 2 of its container, seen from the host) within the run's first seconds.
            var watch = Stopwatch.StartNew();
            while (!ScriptRunning(script) && watch.Elapsed < TimeSpan.FromSeconds(60) && !run.HasExited)
            {
                Thread.Sleep(50);
            }
            Assert.True(ScriptRunning(script), "the hanging case never started");
            Assert.NotEmpty(_sample.Tool.StateEntries());
        }
        finally
        {
            run.Kill(entireProcessTree: true);
            run.WaitForExit();
        }

        var prune = _sample.Tool.Run("prune");
        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.Empty(_sample.Tool.StateEntries());
        Assert.True(WaitUntil(() => Machine.ProcessesWith(script).Count == 0, TimeSpan.FromSeconds(10)),
            $"processes left: {string.Join(", ", Machine.ProcessesWith(script))}");
    }

    [ContainerFact]
    public void Interrupting_the_run_stops_its_containers_at_once_and_they_remove_their_state()
    {
        string dir = _sample.EnsureBuilt();
        string script = Path.Combine(dir, Hang);
        // As Ctrl+C in a terminal would, but to `dotnet test` alone: its test host goes, and the
        // adapter stops the CLIs it started. env resets SIGINT in case this test host ignores it.
        var psi = Dotnet.StartInfo(dir, _sample.Environment, "test", "--no-build", "-nologo", "--filter", $"FullyQualifiedName={Hang}");
        psi.ArgumentList.Insert(0, "--default-signal=INT");
        psi.ArgumentList.Insert(1, psi.FileName);
        psi.FileName = "env";
        using var run = Process.Start(psi)!;
        run.StandardInput.Close();
        _ = run.StandardOutput.ReadToEndAsync();
        _ = run.StandardError.ReadToEndAsync();
        try
        {
            Assert.True(WaitUntil(() => ScriptRunning(script) || run.HasExited, TimeSpan.FromSeconds(60)) && !run.HasExited, "the hanging case never started");
            var watch = Stopwatch.StartNew();
            Assert.True(Signal.Interrupt(run.Id));
            // Well before the case's own 3 s timeout could have ended it.
            Assert.True(WaitUntil(() => Machine.ProcessesWith(script).Count == 0, TimeSpan.FromSeconds(10)), "the container outlived the interrupt");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the container took {watch.Elapsed} to stop");
            Assert.True(run.WaitForExit(TimeSpan.FromSeconds(30)), "dotnet test did not exit");
        }
        finally
        {
            if (!run.HasExited)
            {
                run.Kill(entireProcessTree: true);
                run.WaitForExit();
            }
        }
        // No prune: each CLI removed its own state.
        Assert.True(WaitUntil(() => _sample.Tool.StateEntries().Count == 0, TimeSpan.FromSeconds(5)), string.Join(", ", _sample.Tool.StateEntries()));
    }

    [ContainerFact]
    public void Cancel_ends_every_running_case_at_once_and_each_cli_removes_its_container()
    {
        string dir = _sample.EnsureBuilt();
        string script = Path.Combine(dir, Hang);
        string source = Path.Combine(dir, "bin", "Debug", "net10.0", "SampleContainerTests.dll");
        var tests = TestCases.Read([source]).Select(c => c.Test).Where(t => t.FullyQualifiedName == Hang).ToList();
        var executor = new ContainerTestExecutor();
        var handle = new RecordingFrameworkHandle();
        var context = new RunContext(
            $"<RunSettings><TinyDocker><StateRoot>{_sample.Tool.StateRoot}</StateRoot></TinyDocker></RunSettings>",
            Path.Combine(_sample.Root, "results", "cancel"));

        var run = Task.Run(() => executor.RunTests(tests, context, handle));
        Assert.True(WaitUntil(() => ScriptRunning(script) || run.IsCompleted, TimeSpan.FromSeconds(30)) && !run.IsCompleted,
            $"the hanging case never started: {string.Join("; ", handle.Messages)}");
        var watch = Stopwatch.StartNew();
        executor.Cancel();
        Assert.True(run.Wait(TimeSpan.FromSeconds(15)), "RunTests did not return after Cancel");

        // Well before its own 3 s timeout: the cancel ended it, and it is not reported as a result.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the case took {watch.Elapsed} to stop");
        Assert.Empty(handle.Results);
        Assert.Equal(TestOutcome.None, Assert.Single(handle.Ends).Outcome);
        Assert.Empty(Machine.ProcessesWith(script));
        Assert.Empty(_sample.Tool.StateEntries());
    }

    [ContainerFact]
    public void Without_a_run_directory_results_go_beside_the_test_assembly_never_through_a_shared_name_in_tmp()
    {
        string dir = _sample.EnsureBuilt();
        string output = Path.Combine(dir, "bin", "Debug", "net10.0");
        var tests = TestCases.Read([Path.Combine(output, "SampleContainerTests.dll")]).Select(c => c.Test).Where(t => t.FullyQualifiedName == Pass).ToList();
        // Another user's trap, laid for real when the name is free: /tmp/tinydocker made first, as a
        // link to a directory that user reads (the adapter once fell back to that name).
        string shared = Path.Combine(Path.GetTempPath(), "tinydocker");
        string trap = Directory.CreateDirectory(Path.Combine(_sample.Root, "trap")).FullName;
        bool laid = false;
        if (!Path.Exists(shared))
        {
            try
            {
                File.CreateSymbolicLink(shared, trap);
                laid = true;
            }
            catch (IOException)
            {
                // Made by someone else meanwhile: only where the results went is checked.
            }
        }
        try
        {
            var handle = new RecordingFrameworkHandle();
            new ContainerTestExecutor().RunTests(tests, new RunContext(
                $"<RunSettings><TinyDocker><StateRoot>{_sample.Tool.StateRoot}</StateRoot></TinyDocker></RunSettings>", null), handle);

            Assert.Equal(TestOutcome.Passed, Assert.Single(handle.Results).Outcome);
            string root = Path.Combine(output, "TestResults", "tinydocker");
            Assert.Contains(handle.Messages, m => m.Message.Contains($"results in {root}/", StringComparison.Ordinal));
            Assert.Single(Directory.GetFiles(root, "report.txt", SearchOption.AllDirectories));
            Assert.Empty(Directory.EnumerateFileSystemEntries(trap));
        }
        finally
        {
            if (laid)
            {
                File.Delete(shared);
            }
        }
    }

    private static bool ScriptRunning(string script)
        => Machine.ProcessesWith(script).Any(pid => File.ReadAllText($"/proc/{pid}/cmdline").StartsWith("/bin/sh\0", StringComparison.Ordinal));

    private static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                return false;
            }
            Thread.Sleep(100);
        }
        return true;
    }

    private static string HostPrettyName()
        => File.ReadAllLines("/etc/os-release").Single(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))["PRETTY_NAME=".Length..].Trim('"');

    private TestRun Test(string dir, string name, Dictionary<string, string?> environment, params string[] args)
    {
        string results = Path.Combine(_sample.Root, "results", name);
        var env = new Dictionary<string, string?>(_sample.Environment);
        foreach (var (k, v) in environment)
        {
            env[k] = v;
        }
        var process = Dotnet.Run(dir, env, ["test", "--no-build", "-nologo", "--results-directory", results,
            "--logger", $"trx;LogFileName={name}.trx", "--logger", "console;verbosity=normal", .. args]);
        string trx = Path.Combine(results, $"{name}.trx");
        Assert.True(File.Exists(trx), $"no TRX written:\n{process}");
        return new TestRun(process, Trx.Read(trx));
    }

    private sealed record TestRun(ToolResult Process, IReadOnlyList<TrxResult> Results);
}
