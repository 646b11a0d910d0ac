using TinyDocker.Testing;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>
/// Real `dotnet test` of samples/services: a run-scoped Redis, a case-scoped service from a
/// snapshot, and a service that exits at once; then nothing left (state root, snapshot images).
/// </summary>
public sealed class ServicesEndToEndTests(PackedServicesSample sample) : IClassFixture<PackedServicesSample>
{
    [ContainerFact]
    public void Cases_reach_a_run_service_and_fresh_snapshot_services_a_broken_service_fails_its_case_with_its_log_and_nothing_is_left()
    {
        string dir = sample.EnsureBuilt();
        var make = Shell.Run(Path.Combine(dir, "images", "make-busybox.sh"), []);
        Assert.True(make.ExitCode == 0, make.ToString());
        string results = Path.Combine(sample.Root, "results", "services");
        var env = new Dictionary<string, string?>(sample.Environment) { ["TINYDOCKER_DATA"] = sample.Tool.DataRoot };

        // One case at a time: the second snapshot case runs after the first wrote to its own service.
        var run = Dotnet.Run(dir, env, "test", "--no-build", "-nologo", "--results-directory", results,
            "--logger", "trx;LogFileName=services.trx", "--", "TinyDocker.MaxParallel=1");

        string trx = Path.Combine(results, "services.trx");
        Assert.True(File.Exists(trx), run.ToString());
        Dictionary<string, TrxResult> byName;
        try
        {
            byName = Trx.Read(trx).ToDictionary(r => r.Name);
        }
        catch (NullReferenceException)
        {
            Assert.Fail($"{File.ReadAllText(trx)}\n{run}");
            throw;
        }
        Assert.True(byName["tests/redis-ping.sh"].Outcome == "Passed", run.ToString());
        Assert.Contains("redis says PONG", byName["tests/redis-ping.sh"].StdOut);
        foreach (var c in new[] { "tests/snapshot-a.sh", "tests/snapshot-b.sh" })
        {
            Assert.True(byName[c].Outcome == "Passed", $"{c}: {byName[c].Message}\n{byName[c].StdOut}{byName[c].StdErr}\n{run}");
            Assert.Contains($"kv holds: initialised\n{c}", byName[c].StdOut);
        }
        var broken = byName["tests/broken.sh"];
        Assert.Equal("Failed", broken.Outcome);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(broken.Message, @"^service `broken` did not start \(svc-broken-[0-9a-f]{8}\): container `svc-broken-[0-9a-f]{8}` exited with code 3 before it was ready"), broken.Message);
        Assert.Contains("broken-service-says-goodbye", broken.Message);
        Assert.DoesNotContain("broken.sh ran", broken.StdOut);
        Assert.Equal(1, run.ExitCode);

        // Every service removed, and the snapshot image too.
        Assert.Empty(sample.Tool.StateEntries());
        var images = sample.Tool.Run("images");
        Assert.True(images.ExitCode == 0, images.ToString());
        Assert.DoesNotContain("tinydocker-snapshot", images.Stdout);
    }

    [RootFact("a build error, nothing rootless in it: run as user it would only cost the rootless pass a build of the services sample")]
    public void A_case_naming_an_unknown_service_fails_the_build_with_TINYDOCKER106()
    {
        string dir = sample.EnsureBuilt();
        var build = Dotnet.Run(dir, sample.Environment, "build", "-nologo", "-p:BadServiceName=true");

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error TINYDOCKER106: TinyContainerTest `tests/redis-ping.sh` names service `nope`, which is not a TinyContainerService (declared: redis, kv, broken).", build.Stdout);
    }

    [ContainerFact]
    public void Under_Microsoft_Testing_Platform_the_same_services_serve_the_generated_MSTest_cases()
    {
        string built = sample.EnsureBuilt();
        string dir = Path.Combine(sample.Root, "mtp");
        PackedSample.CopyTree(built, dir);
        File.Copy(Path.Combine(Repository.MtpSample, "global.json"), Path.Combine(dir, "global.json"));
        string project = Path.Combine(dir, "SampleServiceTests.csproj");
        File.WriteAllText(project, File.ReadAllText(project)
            .Replace("<IsPackable>false</IsPackable>", "<IsPackable>false</IsPackable><OutputType>Exe</OutputType><EnableMSTestRunner>true</EnableMSTestRunner>", StringComparison.Ordinal)
            .Replace("""
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                    <PackageReference Include="xunit" Version="2.9.3" />
                    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                """, """
                <PackageReference Include="MSTest.TestFramework" Version="4.5.2" />
                    <PackageReference Include="MSTest.TestAdapter" Version="4.5.2" />
                    <PackageReference Include="Microsoft.Testing.Extensions.TrxReport" Version="2.5.2" />
                """, StringComparison.Ordinal));
        Assert.Contains("MSTest.TestAdapter", File.ReadAllText(project));
        var make = Shell.Run(Path.Combine(dir, "images", "make-busybox.sh"), []);
        Assert.True(make.ExitCode == 0, make.ToString());
        string results = Path.Combine(sample.Root, "results", "mtp");
        var env = new Dictionary<string, string?>(sample.Environment) { ["TINYDOCKER_DATA"] = sample.Tool.DataRoot };

        var run = Dotnet.Run(dir, env, "test", "--results-directory", results, "--report-trx", "--report-trx-filename", "mtp.trx");

        string trx = Path.Combine(results, "mtp.trx");
        Assert.True(File.Exists(trx), run.ToString());
        var byName = Trx.Read(trx).ToDictionary(r => r.Name);
        Assert.True(byName["tests/redis-ping.sh"].Outcome == "Passed", run.ToString());
        Assert.Contains("redis says PONG", byName["tests/redis-ping.sh"].StdOut);
        foreach (var c in new[] { "tests/snapshot-a.sh", "tests/snapshot-b.sh" })
        {
            Assert.True(byName[c].Outcome == "Passed", $"{c}: {byName[c].Message}\n{byName[c].StdOut}{byName[c].StdErr}\n{run}");
            Assert.Contains($"kv holds: initialised\n{c}", byName[c].StdOut);
        }
        Assert.Equal("Failed", byName["tests/broken.sh"].Outcome);
        Assert.Contains("service `broken` did not start", byName["tests/broken.sh"].Message);
        Assert.Contains("broken-service-says-goodbye", byName["tests/broken.sh"].Message);
        // The application's services end with it (removed at its exit), the snapshot image too.
        Assert.Empty(sample.Tool.StateEntries());
        Assert.DoesNotContain("tinydocker-snapshot", sample.Tool.Run("images").Stdout);
    }
}
