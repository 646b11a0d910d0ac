using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using TinyDocker.Testing;

namespace TinyDocker.Build.Tests;

/// <summary>Two projects at once under -m, and a build cancelled while its container runs.</summary>
[Collection(PackagedSampleCollection.Name)]
public sealed partial class ParallelAndCancelTests(PackagedSample sample)
{
    [GeneratedRegex(@"(start|end) (Sample\.Checks-[0-9a-f]{8}) (\d+)")]
    private static partial Regex Stamp();

    [ContainerFact]
    public void Two_projects_with_the_same_name_built_with_m_run_at_once_in_distinct_containers()
    {
        // Two copies of one project: the same project name, so only the default name's suffix tells them apart.
        string par = Path.Combine(sample.Dir, "parallel");
        foreach (var copy in new[] { "a", "b" })
        {
            PackagedSample.CopyTree(Path.Combine(sample.Dir, "Sample.Checks"), Path.Combine(par, copy));
            File.WriteAllText(Path.Combine(par, copy, "slow.sh"), "echo start $(hostname) $(date +%s%N)\nsleep 6\necho end $(hostname) $(date +%s%N)\n");
        }
        File.WriteAllText(Path.Combine(par, "both.proj"), """
            <Project DefaultTargets="Build">
              <ItemGroup>
                <P Include="a/Sample.Checks.csproj;b/Sample.Checks.csproj" />
              </ItemGroup>
              <Target Name="Restore">
                <MSBuild Projects="@(P)" Targets="Restore" />
              </Target>
              <Target Name="Build">
                <MSBuild Projects="@(P)" Targets="RunInTinyContainer" BuildInParallel="true" Properties="TinyContainerCommand=sh slow.sh" />
              </Target>
            </Project>
            """);

        var build = sample.Dotnet("msbuild", Path.Combine(par, "both.proj"), "-restore", "-m:2");

        Assert.True(build.ExitCode == 0, build.ToString());
        var stamps = Stamp().Matches(build.Output).Select(m => (Kind: m.Groups[1].Value, Name: m.Groups[2].Value, At: long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))).ToList();
        var names = stamps.Select(s => s.Name).Distinct().ToList();
        Assert.True(names.Count == 2, build.ToString());
        var (a, b) = (Span(names[0]), Span(names[1]));
        Assert.True(a.Start < b.End && b.Start < a.End, $"the two containers did not overlap\n{build}");
        Assert.Empty(sample.StateEntries());

        (long Start, long End) Span(string name)
            => (stamps.Single(s => s.Name == name && s.Kind == "start").At, stamps.Single(s => s.Name == name && s.Kind == "end").At);
    }

    [ContainerFact]
    public void Cancelling_the_build_stops_the_container_and_leaves_nothing_running()
    {
        // A sleep whose command line is unique to this test, to find it (and only it) in /proc;
        // started from a script so that the build's own command line does not contain it.
        string marker = $"300.{Random.Shared.Next(10_000_000, 99_999_999)}";
        File.WriteAllText(Path.Combine(sample.Dir, "Sample.Checks", "cancel.sh"), $"exec sleep {marker}\n");
        var psi = DotnetRun.StartInfo(sample.Environment, sample.Dir,
            ["build", sample.ChecksProject, "-t:RunInTinyContainer", "-p:TinyContainerCommand=sh cancel.sh",
             $"-p:TinyDockerBuildVersion={sample.Version}", "-nr:false", "-tl:off", "-nologo"]);
        using var build = Process.Start(psi)!;
        var output = build.StandardOutput.ReadToEndAsync();
        var errors = build.StandardError.ReadToEndAsync();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (Machine.ProcessesWith("sleep " + marker).Count == 0)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(90) && !build.HasExited, "the container's command never started");
                Thread.Sleep(200);
            }

            // What Ctrl-C does to `dotnet build`: SIGINT to the build process (only it, by pid).
            Assert.Equal(0, Kill(build.Id, 2));

            Assert.True(build.WaitForExit(TimeSpan.FromSeconds(60)), "the build did not end after SIGINT");
            build.WaitForExit();
            string log = output.Result + errors.Result;
            Assert.True(build.ExitCode != 0, log);
            Assert.Matches(@"error TD005: container `Sample\.Checks-[0-9a-f]{8}` was cancelled while running `/bin/sh -c 'sh cancel.sh'`", log);
            Assert.Empty(Machine.ProcessesWith("sleep " + marker));
            Assert.Empty(Machine.ProcessesWith(sample.StateRoot));
            // The CLI was asked to stop (not killed), so it also removed the container's state.
            Assert.Empty(sample.StateEntries());
        }
        finally
        {
            if (!build.HasExited)
            {
                build.Kill(entireProcessTree: true);
            }
            foreach (int pid in Machine.ProcessesWith("sleep " + marker))
            {
                Process.GetProcessById(pid).Kill();
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
