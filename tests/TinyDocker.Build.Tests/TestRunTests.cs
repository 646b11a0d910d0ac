using System.Text.RegularExpressions;
using System.Xml.Linq;
using TinyDocker.Testing;

namespace TinyDocker.Build.Tests;

/// <summary>`dotnet test -p:TinyContainer=true` on the sample's test project.</summary>
[Collection(PackagedSampleCollection.Name)]
public sealed class TestRunTests(PackagedSample sample)
{
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    [ContainerFact]
    public void The_sample_test_fails_on_the_host_and_passes_in_a_container_with_its_trx_copied_out()
    {
        // On the bare host the sample's test fails: it can tell where it runs.
        string hostResults = Path.Combine(sample.Root, "results-host");
        var onHost = sample.Dotnet("test", sample.TestsProject, "--logger", "trx", "--results-directory", hostResults);
        Assert.True(onHost.ExitCode != 0, onHost.ToString());
        Assert.Contains("not in a tinydocker container", onHost.Output);

        string results = Path.Combine(sample.Root, "results-container");
        var inContainer = sample.Dotnet("test", sample.TestsProject, "-p:TinyContainer=true", "--logger", "trx", "--results-directory", results,
            "--filter", "FullyQualifiedName~Sample.Tests.ContainerTests.Runs_in");

        Assert.True(inContainer.ExitCode == 0, inContainer.ToString());
        Assert.Contains("TinyContainer: running the tests of Sample.Tests in a throwaway container", inContainer.Output);
        Assert.Contains("--TestCaseFilter:FullyQualifiedName~Sample.Tests.ContainerTests", inContainer.Output);
        // The TRX was written inside the container and copied out to the host.
        string trx = Assert.Single(Directory.GetFiles(results, "*.trx"));
        var doc = XDocument.Load(trx);
        var counters = doc.Descendants(Trx + "Counters").Single();
        Assert.Equal("1", counters.Attribute("passed")?.Value);
        Assert.Equal("0", counters.Attribute("failed")?.Value);
        var result = doc.Descendants(Trx + "UnitTestResult").Single();
        Assert.Contains("Runs_in_a_throwaway_container", result.Attribute("testName")?.Value);
        Assert.Equal("Passed", result.Attribute("outcome")?.Value);
        // The test saw the hostname of the container the build log names.
        string name = Regex.Match(inContainer.Output, @"RunInTinyContainer: container `(Sample\.Tests-[0-9a-f]{8})`").Groups[1].Value;
        Assert.NotEqual("", name);
        Assert.Contains($"hostname: {name}", result.Descendants(Trx + "StdOut").Single().Value);
        Assert.Empty(sample.StateEntries());
    }

    [ContainerFact]
    public void Under_Microsoft_Testing_Platform_the_test_application_runs_in_a_container_and_its_trx_lands_on_the_host()
    {
        // Sample.MtpTests has its own global.json: `dotnet test` there is in MTP mode, which runs no VSTest target.
        string dir = Path.Combine(sample.Dir, "Sample.MtpTests");
        // MTP mode hands options it does not know to the test application, which refuses -nr/-tl/-nologo;
        // node reuse is off through MSBUILDDISABLENODEREUSE in the environment.
        string[] common = [$"-p:TinyDockerBuildVersion={sample.Version}"];

        string hostResults = Path.Combine(sample.Root, "mtp-results-host");
        var onHost = DotnetRun.Run(sample.Environment, dir, ["test", "--report-trx", "--results-directory", hostResults, .. common]);
        Assert.True(onHost.ExitCode != 0, onHost.ToString());
        Assert.Contains("not in a tinydocker container", onHost.Output);

        string results = Path.Combine(sample.Root, "mtp-results-container");
        var inContainer = DotnetRun.Run(sample.Environment, dir, ["test", "-p:TinyContainer=true", "--report-trx", "--results-directory", results,
            "--filter", "FullyQualifiedName~Runs_in", .. common]);

        Assert.True(inContainer.ExitCode == 0, inContainer.ToString());
        // MTP mode's build output shows no messages: the script the package wrote is the trace.
        Assert.True(File.Exists(Path.Combine(dir, "obj", "tinycontainer-mtp.sh")), inContainer.ToString());
        // The TRX was written inside the container (on a tmpfs) and copied out to the host.
        var doc = XDocument.Load(Assert.Single(Directory.GetFiles(results, "*.trx")));
        var result = doc.Descendants(Trx + "UnitTestResult").Single();
        Assert.Equal(("Runs_in_a_throwaway_container", "Passed"), (result.Attribute("testName")?.Value, result.Attribute("outcome")?.Value));
        Assert.Matches(@"hostname: Sample\.MtpTests-\d+", result.Descendants(Trx + "StdOut").Single().Value);
        Assert.Empty(sample.StateEntries());
    }
}
