using System.Diagnostics;
using System.Text.RegularExpressions;
using TinyDocker.Testing;

namespace TinyDocker.Build.Tests;

/// <summary>TinyContainerService items in real builds: started, joined, published, logged on failure, removed.</summary>
[Collection(PackagedSampleCollection.Name)]
public sealed class ServiceTests(PackagedSample sample)
{
    private const string VariantsProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <ItemGroup>
            <PackageReference Include="TinyDocker.Build" Version="$(TinyDockerBuildVersion)" PrivateAssets="all" />
          </ItemGroup>
          <ItemGroup Condition="'$(Variant)' == 'exits'">
            <TinyContainerService Include="doomed" Command="echo starting; echo doomed-line &gt;&amp;2; exit 3" Ready="tcp:7" />
          </ItemGroup>
          <ItemGroup Condition="'$(Variant)' == 'slow'">
            <TinyContainerService Include="slow" Command="echo slow-up; exec sleep 60" Ready="tcp:7" Timeout="1s" />
          </ItemGroup>
          <ItemGroup Condition="'$(Variant)' == 'bad'">
            <TinyContainerService Include="web" Command="sleep 60" Prots="80" />
          </ItemGroup>
          <ItemGroup Condition="'$(Variant)' == 'pair'">
            <TinyContainerService Include="web" Command="echo web-log-line; mkdir -p /tmp/w; echo web-page &gt; /tmp/w/index.html; exec busybox httpd -f -p 127.0.0.1:8080 -h /tmp/w" Ready="tcp:8080" />
            <TinyContainerService Include="cache" Command="echo cache-log-line; exec busybox nc -ll -p 6379 -e echo PONG" Ready="tcp:6379" Ports="6379" />
          </ItemGroup>
        </Project>
        """;

    private string Variants()
    {
        string dir = Path.Combine(sample.Dir, "Services.Variants");
        Directory.CreateDirectory(dir);
        string project = Path.Combine(dir, "Services.Variants.csproj");
        File.WriteAllText(project, VariantsProject);
        return project;
    }

    [ContainerFact]
    public void The_sample_service_is_reached_from_the_build_container_and_from_the_host_and_removed_at_the_end()
    {
        var build = sample.Dotnet("build", Path.Combine(sample.Dir, "Sample.Services", "Sample.Services.csproj"));

        Assert.True(build.ExitCode == 0, build.ToString());
        var web = Regex.Match(build.Output, @"Sample\.Services-web-[0-9a-f]{8}");
        Assert.True(web.Success, build.ToString());
        // Twice: the container that joined its network (127.0.0.1:8080), then the host through the published port.
        Assert.Equal(2, Regex.Matches(build.Output, $@"hello from {web.Value}").Count);
        Assert.Matches(@"Service web port 8080 on the host: 127\.0\.0\.1:\d+", build.Output);
        Assert.Empty(sample.StateEntries());
        Assert.Empty(Machine.ProcessesWith(sample.StateRoot));
    }

    [ContainerFact]
    public void A_failing_container_brings_the_logs_of_both_services_and_the_second_joined_the_first()
    {
        string project = Variants();
        var build = sample.Dotnet("build", project, "-t:RunInTinyContainer", "-p:Variant=pair",
            "-p:TinyContainerCommand=busybox wget -qO- http://127.0.0.1:8080/ %26%26 echo ping | busybox nc 127.0.0.1 6379 %26%26 exit 3");

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Contains("web-page", build.Output);
        Assert.Contains("PONG", build.Output);
        Assert.Matches(@"error TD001: container `Services\.Variants-[0-9a-f]{8}` exited with code 3", build.Output);
        Assert.Matches(@"service `web` \(Services\.Variants-web-[0-9a-f]{8}\), the last 30 lines of its log:\s+web-log-line", build.Output);
        Assert.Matches(@"service `cache` \(Services\.Variants-cache-[0-9a-f]{8}\), the last 30 lines of its log:\s+cache-log-line", build.Output);
        Assert.Empty(sample.StateEntries());
    }

    [ContainerFact]
    public void A_service_that_exits_at_once_or_is_never_ready_fails_the_build_with_TD008_its_check_and_its_log()
    {
        string project = Variants();
        var exits = sample.Dotnet("build", project, "-t:RunInTinyContainer", "-p:Variant=exits", "-p:TinyContainerCommand=echo never-ran");
        Assert.True(exits.ExitCode != 0, exits.ToString());
        Assert.True(Regex.IsMatch(exits.Output, @"error TD008: service `doomed` \(container `Services\.Variants-doomed-[0-9a-f]{8}`, readiness check tcp:7, timeout 60s\) did not start: container `Services\.Variants-doomed-[0-9a-f]{8}` exited with code 3 before it was ready"), exits.ToString());
        Assert.Contains("doomed-line", exits.Output);
        Assert.DoesNotContain("never-ran", exits.Output.Replace("TinyContainerCommand=echo never-ran", ""));
        Assert.Empty(sample.StateEntries());

        var slow = sample.Dotnet("build", project, "-t:RunInTinyContainer", "-p:Variant=slow", "-p:TinyContainerCommand=echo never-ran");
        Assert.True(slow.ExitCode != 0, slow.ToString());
        Assert.Matches(@"error TD008: service `slow` \(container `Services\.Variants-slow-[0-9a-f]{8}`, readiness check tcp:7, timeout 1s\) did not start: container `Services\.Variants-slow-[0-9a-f]{8}` not ready after 1s", slow.Output);
        Assert.Contains("slow-up", slow.Output);
        Assert.Empty(sample.StateEntries());
        Assert.Empty(Machine.ProcessesWith(sample.StateRoot));
    }

    [ContainerFact]
    public void Unknown_metadata_and_an_unknown_service_name_are_TD007_and_start_nothing()
    {
        var build = sample.Dotnet("build", Variants(), "-t:RunInTinyContainer", "-p:Variant=bad", "-p:TinyContainerServices=web%3Bnope", "-p:TinyContainerCommand=true");

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Contains("error TD007: TinyContainerService `web` has metadata `Prots`, which TinyDocker.Build does not know", build.Output);
        Assert.Contains("error TD007: TinyContainerServices names `nope`, which is not a TinyContainerService (declared: web)", build.Output);
        Assert.Empty(sample.StateEntries());
    }

    [ContainerFact]
    public void A_killed_build_leaves_no_service_process_and_prune_removes_their_records()
    {
        string marker = $"300.{Random.Shared.Next(10_000_000, 99_999_999)}";
        string project = Variants();
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(project)!, "hold.sh"), $"exec sleep {marker}\n");
        var psi = DotnetRun.StartInfo(sample.Environment, sample.Dir,
            ["build", project, "-t:RunInTinyContainer", "-p:Variant=pair", "-p:TinyContainerCommand=sh hold.sh",
             $"-p:TinyDockerBuildVersion={sample.Version}", "-nr:false", "-tl:off", "-nologo"]);
        // Killed, the build and the CLI processes it started would leave their runtimes' diagnostic
        // sockets in /tmp (TinyTool says why); the environment reaches them all.
        psi.Environment["DOTNET_EnableDiagnostics"] = "0";
        using var build = Process.Start(psi)!;
        var output = build.StandardOutput.ReadToEndAsync();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (Machine.ProcessesWith("sleep " + marker).Count == 0)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(120) && !build.HasExited, "the container's command never started");
                Thread.Sleep(200);
            }
            Assert.Equal(3, sample.StateEntries().Count);

            build.Kill(entireProcessTree: false); // SIGKILL to the build (the MSBuild node: -nr:false, in-process) alone

            // The services are owned by the node (run -d --die-with-parent), the container's CLI is its child.
            while (Machine.ProcessesWith(sample.StateRoot).Count > 0 || Machine.ProcessesWith("sleep " + marker).Count > 0)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(150), "processes outlived the killed build: " + string.Join(", ", Machine.ProcessesWith(sample.StateRoot)));
                Thread.Sleep(100);
            }
            // The CLI's start record of the killed run: under the project's obj/, not in /tmp.
            Assert.Single(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(project)!, "obj"), "tinydocker-status-*.json", SearchOption.AllDirectories));
            var prune = DotnetRun.Run(sample.Environment, sample.Dir, ["exec", CliDll, "prune"]);
            Assert.True(prune.ExitCode == 0, prune.ToString());
            Assert.Empty(sample.StateEntries());
        }
        finally
        {
            if (!build.HasExited)
            {
                build.Kill(entireProcessTree: true);
            }
        }
    }

    private static string CliDll => Path.Combine(RepoPaths.Root, "tool", "TinyDocker.Cli", "bin", RepoPaths.Configuration, "net10.0", "dotnet-tinydocker.dll");
}
