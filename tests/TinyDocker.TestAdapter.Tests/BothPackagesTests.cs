using TinyDocker.Testing;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>
/// TinyDocker.TestAdapter and TinyDocker.Build in one project (samples/both-packages), packed and
/// restored from a feed as a user would: plain `dotnet test` and the task work side by side, and
/// TinyContainer=true, which would need containers inside a container, is refused before anything runs.
/// </summary>
public sealed class BothPackagesTests : IClassFixture<PackedBothPackagesSample>
{
    private readonly PackedBothPackagesSample _sample;

    public BothPackagesTests(PackedBothPackagesSample sample) => _sample = sample;

    [ContainerFact]
    public void Dotnet_test_runs_the_ordinary_test_and_the_container_case_and_the_task_runs_in_the_same_project()
    {
        string dir = _sample.EnsureBuilt();
        var test = Dotnet.Run(dir, _sample.Environment, "test", "--no-build", "-nologo", "--logger", "console;verbosity=normal");
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("Passed tests/answer.sh", test.Stdout, StringComparison.Ordinal);
        Assert.Contains("Passed BothPackages.UnitTests.An_ordinary_test_runs_on_the_host", test.Stdout, StringComparison.Ordinal);
        Assert.Contains("Total tests: 2", test.Stdout, StringComparison.Ordinal);

        var task = Dotnet.Run(dir, _sample.Environment, "build", "-t:RunInTinyContainer", "-nologo", "-tl:off", "-v:n",
            "-p:TinyContainerCommand=echo from the task in $(cat /proc/1/comm)");
        Assert.True(task.ExitCode == 0, task.ToString());
        Assert.Contains("from the task in ", task.Stdout, StringComparison.Ordinal);
        Assert.Empty(_sample.Tool.StateEntries());
    }

    [ContainerFact]
    public void TinyContainer_true_is_refused_with_TD009_under_VSTest_and_nothing_runs()
    {
        string dir = _sample.EnsureBuilt();
        var run = Dotnet.Run(dir, _sample.Environment, "test", "-nologo", "-tl:off", "-p:TinyContainer=true");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("error TD009: TinyContainer=true would run the tests of BothPackages, and its 1 container case(s)", run.Stdout, StringComparison.Ordinal);
        // Refused before the run: no test host started, no container made.
        Assert.DoesNotContain("Starting test execution", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("RunInTinyContainer: container", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(_sample.Tool.StateEntries());
    }

    [ContainerFact]
    public void TinyContainer_true_is_refused_with_TD009_under_Microsoft_Testing_Platform()
    {
        string dir = _sample.EnsureBuilt();
        string mtp = Path.Combine(_sample.Root, "mtp");
        PackedSample.CopyTree(dir, mtp);
        File.WriteAllText(Path.Combine(mtp, "global.json"), """{ "test": { "runner": "Microsoft.Testing.Platform" } }""");
        string project = Path.Combine(mtp, "BothPackages.csproj");
        File.WriteAllText(project, File.ReadAllText(project)
            .Replace("<IsPackable>false</IsPackable>", "<IsPackable>false</IsPackable><OutputType>Exe</OutputType><EnableMSTestRunner>true</EnableMSTestRunner>", StringComparison.Ordinal)
            .Replace("<PackageReference Include=\"Microsoft.NET.Test.Sdk\" Version=\"18.0.1\" />", "<PackageReference Include=\"MSTest.TestFramework\" Version=\"4.5.2\" />", StringComparison.Ordinal)
            .Replace("<PackageReference Include=\"xunit\" Version=\"2.9.3\" />", "<PackageReference Include=\"MSTest.TestAdapter\" Version=\"4.5.2\" />", StringComparison.Ordinal)
            .Replace("<PackageReference Include=\"xunit.runner.visualstudio\" Version=\"3.1.5\" />", "", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(mtp, "UnitTests.cs"),
            "namespace BothPackages;\n[Microsoft.VisualStudio.TestTools.UnitTesting.TestClass]\npublic sealed class UnitTests { [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod] public void Ordinary() { } }\n");

        var run = Dotnet.Run(mtp, _sample.Environment, "test", "-p:TinyContainer=true");
        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("error TD009: TinyContainer=true would run the tests of BothPackages", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Empty(_sample.Tool.StateEntries());
    }
}
