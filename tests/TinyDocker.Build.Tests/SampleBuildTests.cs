using System.Text.RegularExpressions;
using TinyDocker.Testing;

namespace TinyDocker.Build.Tests;

/// <summary>
/// Real `dotnet build` of samples/msbuild (a copy, restored from the packed feed). Each build
/// costs seconds, so each test shows several things at once.
/// </summary>
[Collection(PackagedSampleCollection.Name)]
public sealed partial class SampleBuildTests(PackagedSample sample)
{
    [GeneratedRegex(@"Sample\.Checks-[0-9a-f]{8}")]
    private static partial Regex ChecksContainerName();

    [ContainerFact]
    public void Building_the_sample_runs_its_checks_in_a_container_and_turns_canonical_lines_into_warnings()
    {
        var build = sample.Dotnet("build", sample.ChecksProject);

        Assert.True(build.ExitCode == 0, build.ToString());
        // The script ran in a container named for the project, and its output is in the log.
        var name = ChecksContainerName().Match(build.Output);
        Assert.True(name.Success, build.ToString());
        Assert.Contains($"checks: container {name.Value}, configuration Debug", build.Output);
        // The package's NativeAOT CLI ran it (this machine is linux-x64), not `dotnet …dll`.
        Assert.Matches(@"tool `/\S+/tools/tinydocker/linux-x64/dotnet-tinydocker`", build.Output);
        Assert.Contains($"Checks passed in container {name.Value} (exit code 0).", build.Output);
        // The TODO line became an MSBuild warning with its file, line and code.
        Assert.True(Regex.IsMatch(build.Output, @"Greeter\.cs\(5,1\): warning CHK001: unfinished work:\s*// TODO greet in more languages"), build.ToString());
        // The report was copied out; the scratch file was thrown away with the container.
        string report = Path.Combine(sample.Dir, "Sample.Checks", "bin", "Debug", "net10.0", "checks-report", "summary.txt");
        Assert.True(File.Exists(report), $"{report} is missing\n{build}");
        Assert.Equal($"checked in {name.Value}\n", File.ReadAllText(report));
        Assert.False(File.Exists(Path.Combine(sample.Dir, "Sample.Checks", "scratch-written-in-container.txt")));
        Assert.Empty(sample.StateEntries());
    }

    [ContainerFact]
    public void A_failing_command_fails_the_build_with_TD001_naming_container_exit_code_and_command_and_its_canonical_errors_with_an_explicit_tool()
    {
        WriteScript("fail.sh", "echo 'Greeter.cs(5,7): error CHK002: broken greeting' >&2\nexit 3\n");

        // An explicit TinyDockerPath wins over the CLI in the package: here a copy of it at another path.
        string cli = sample.CopyOfPackagedCli();

        var build = sample.Dotnet("build", sample.ChecksProject, "-t:RunInTinyContainer", "-p:TinyContainerCommand=sh fail.sh", $"-p:TinyDockerPath={cli}");

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Contains($"tool `{cli}`", build.Output);
        Assert.Matches(@"Greeter\.cs\(5,7\): error CHK002: broken greeting", build.Output);
        Assert.Matches(@"error TD001: container `Sample\.Checks-[0-9a-f]{8}` exited with code 3 running `/bin/sh -c 'sh fail.sh'`", build.Output);
        Assert.Empty(sample.StateEntries());
    }

    [ContainerFact]
    public void A_timeout_is_TD002_ContinueOnError_turns_it_into_a_warning_and_low_importance_hides_the_output()
    {
        var build = sample.Dotnet("build", sample.ChecksProject, "-t:RunInTinyContainer",
            "-p:TinyContainerCommand=echo started%3B sleep 60", "-p:TinyContainerTimeout=2",
            "-p:TinyContainerContinueOnError=true", "-p:TinyContainerOutputImportance=low");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Matches(@"warning TD002: container `Sample\.Checks-[0-9a-f]{8}` timed out after 2 s running `/bin/sh -c 'echo started; sleep 60'`", build.Output);
        // The container's own lines were logged at low importance: not shown at the default verbosity.
        Assert.DoesNotContain("started", build.Output.Split('\n').Where(l => !l.Contains("TD002")));
        Assert.DoesNotContain("tinydocker: container", build.Output);
        Assert.True(build.Elapsed < TimeSpan.FromSeconds(50), build.ToString());
        Assert.Empty(sample.StateEntries());
    }

    [RootFact("--memory needs a cgroup, which rootless refuses without cgroup v2 delegation")]
    public void An_out_of_memory_kill_is_TD003()
    {
        // tail keeps the whole of an endless "line" in memory.
        // TINYDOCKER_NO_NATIVE=1: the framework-dependent fallback, through the build's dotnet.
        var environment = new Dictionary<string, string?>(sample.Environment) { ["TINYDOCKER_NO_NATIVE"] = "1" };
        var build = DotnetRun.Run(environment, sample.Dir, ["build", sample.ChecksProject, "-t:RunInTinyContainer",
            "-p:TinyContainerCommand=tail /dev/zero", "-p:TinyContainerMemory=64m", $"-p:TinyDockerBuildVersion={sample.Version}", "-nr:false", "-tl:off", "-nologo"]);
        Assert.Matches(@"tool `\S*dotnet /\S+/tools/tinydocker/dotnet-tinydocker\.dll`", build.Output);

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Matches(@"error TD003: container `Sample\.Checks-[0-9a-f]{8}` ran out of memory \(limit 64m\) running `/bin/sh -c 'tail /dev/zero'` and was killed \(exit code 137\)", build.Output);
        Assert.Empty(sample.StateEntries());
    }

    [Fact]
    public void Bad_inputs_of_the_task_are_all_reported_as_TD004_and_nothing_runs()
    {
        var build = sample.Dotnet("build", sample.ChecksProject, "-t:RunInTinyContainer",
            "-p:TinyContainerCommand=true", "-p:TinyContainerOutputImportance=loud", "-p:TinyDockerPath=no-such-tool");

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Contains("error TD004: RunInTinyContainer: OutputImportance `loud` must be high, normal or low", build.Output);
        Assert.Contains($"error TD004: RunInTinyContainer: TinyDockerPath `{Path.Combine(sample.Dir, "Sample.Checks", "no-such-tool")}` does not exist", build.Output);
        Assert.DoesNotContain("dotnet-tinydocker.dll run", build.Output);
    }

    [RootFact("its accepted value is a --memory limit, which rootless refuses without cgroup v2 delegation")]
    public void A_value_the_cli_refuses_is_TD004_with_the_clis_own_line_and_one_it_takes_is_not_refused()
    {
        var bad = sample.Dotnet("build", sample.ChecksProject, "-t:RunInTinyContainer",
            "-p:TinyContainerCommand=true", "-p:TinyContainerMemory=lots");

        Assert.True(bad.ExitCode != 0, bad.ToString());
        Assert.Contains("error TD004: RunInTinyContainer: invalid memory limit `lots`: expected a size such as 512m or 1g; nothing was run.", bad.Output);
        Assert.DoesNotContain("TD001", bad.Output);

        // 1.5g, which the task used to refuse, and an image archive (relative to the project) as
        // TinyContainerImage, which it refused as not a directory; imported into a store of the test's own.
        string work = Directory.CreateTempSubdirectory("tinydocker-build-archive-").FullName;
        try
        {
            BusyboxImage.Build(Path.Combine(work, "rootfs"));
            string archive = Path.Combine(sample.Dir, "Sample.Checks", "busybox-rootfs.tar");
            var tar = Shell.Run("tar", ["-C", Path.Combine(work, "rootfs"), "-cf", archive, "."]);
            Assert.True(tar.ExitCode == 0, tar.ToString());
            var environment = new Dictionary<string, string?>(sample.Environment) { ["TINYDOCKER_DATA"] = Path.Combine(work, "data") };
            var good = DotnetRun.Run(environment, sample.Dir, ["build", sample.ChecksProject, "-t:RunInTinyContainer",
                "-p:TinyContainerCommand=echo from-busybox%3B busybox | head -1", "-p:TinyContainerMemory=1.5g", "-p:TinyContainerImage=busybox-rootfs.tar",
                $"-p:TinyDockerBuildVersion={sample.Version}", "-nr:false", "-tl:off", "-nologo"]);

            Assert.True(good.ExitCode == 0, good.ToString());
            Assert.Contains("from-busybox", good.Output);
            Assert.Contains("BusyBox v", good.Output);
            Assert.Empty(sample.StateEntries());
        }
        finally
        {
            File.Delete(Path.Combine(sample.Dir, "Sample.Checks", "busybox-rootfs.tar"));
            Directory.Delete(work, recursive: true);
        }
    }

    private void WriteScript(string name, string body)
        => File.WriteAllText(Path.Combine(sample.Dir, "Sample.Checks", name), "#!/bin/sh\n" + body);
}
