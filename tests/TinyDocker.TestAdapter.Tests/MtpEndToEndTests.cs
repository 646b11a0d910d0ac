using TinyDocker.Testing;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>
/// Real `dotnet test` runs, in Microsoft.Testing.Platform mode (the sample's global.json), of
/// samples/mtp: container cases beside an MSTest test, against the real package. MTP runs one test
/// framework and no VSTest adapter, so each case is a generated MSTest test; these runs show that
/// nothing is dropped (the issue's "Passed! total: 1"), that a failing case fails the run, and
/// what a failure brings with it.
/// </summary>
public sealed class MtpEndToEndTests : IClassFixture<PackedMtpSample>
{
    private readonly PackedMtpSample _sample;

    public MtpEndToEndTests(PackedMtpSample sample) => _sample = sample;

    [ContainerFact]
    public void Every_case_is_reported_with_outcome_message_output_duration_and_attachments_and_a_failure_fails_the_run()
    {
        string dir = _sample.EnsureBuilt();
        var (process, results) = Test(dir, "all");

        Assert.True(process.ExitCode == 2, $"MTP's exit code for failed tests is 2:\n{process}");
        var byName = results.ToDictionary(r => r.Name);
        // Each case under its path, as under VSTest (the method behind it is TinyContainer.Cases.tests_pass_sh).
        Assert.Equal(["Ordinary_mstest_tests_run_beside_the_container_cases", "tests/fail.sh", "tests/hang.sh", "tests/pass.sh", "tests/skip.sh"],
            byName.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("total: 5", process.Stdout);
        Assert.Contains("failed: 2", process.Stdout);

        var pass = byName["tests/pass.sh"];
        Assert.Equal("Passed", pass.Outcome);
        Assert.Contains("hello from container t-tests-pass.sh-", pass.StdOut);
        // Per-case metadata: Network="host" (the host's interfaces, not only lo) and Environment.
        Assert.Contains("greeting: hi", pass.StdOut);
        Assert.Matches(@"network: (\S+ ){2,}", pass.StdOut);
        Assert.True(pass.Duration > TimeSpan.Zero && pass.Duration < TimeSpan.FromSeconds(30), $"pass took {pass.Duration}");
        var report = Assert.Single(pass.ResultFiles);
        Assert.Equal("report of tests/pass.sh\n", File.ReadAllText(report));

        var fail = byName["tests/fail.sh"];
        Assert.Equal("Failed", fail.Outcome);
        Assert.Equal("exit code 3", fail.Message.Trim());
        Assert.Equal("checking the answer\n", fail.StdOut);
        Assert.Equal("expected 42\nbut got 41\n", fail.StdErr);
        // Its evidence: what it changed, and (KeepChangesOnFailure) its upper layer, rootless too.
        string changes = File.ReadAllText(Assert.Single(fail.ResultFiles, f => Path.GetFileName(f) == "changes.txt"));
        Assert.Contains("A /etc/motd-of-the-case\n", changes);
        Assert.Contains($"A {dir}/written-by-fail.txt\n", changes);
        Assert.False(File.Exists(Path.Combine(dir, "written-by-fail.txt")), "the case's write to the project went through to the host");
        string tar = Assert.Single(fail.ResultFiles, f => Path.GetFileName(f) == "upper.tar");
        var listing = Shell.Run("tar", ["-tf", tar]);
        Assert.Contains("root/etc/motd-of-the-case", listing.Stdout);
        Assert.Contains("shared/written-by-fail.txt", listing.Stdout);

        var hang = byName["tests/hang.sh"];
        Assert.Equal("Failed", hang.Outcome);
        Assert.Equal("timed out after 3s: the container was killed (exit code 124)", hang.Message.Trim());
        Assert.True(hang.Duration < TimeSpan.FromSeconds(30), $"hang took {hang.Duration}");
        Assert.Equal("changes.txt", Path.GetFileName(Assert.Single(hang.ResultFiles)));

        var skip = byName["tests/skip.sh"];
        Assert.Equal("NotExecuted", skip.Outcome);
        Assert.Equal("no GPU on this machine", skip.Message.Trim());
        Assert.Contains("no GPU on this machine", process.Stdout);

        Assert.Equal("Passed", byName["Ordinary_mstest_tests_run_beside_the_container_cases"].Outcome);
        Assert.Empty(_sample.Tool.StateEntries());
    }

    [ContainerFact]
    public void A_filter_selects_cases_by_name_and_a_passing_selection_passes()
    {
        string dir = _sample.EnsureBuilt();
        var (process, results) = Test(dir, "filter", "--filter", "FullyQualifiedName~tests_pass_sh");

        Assert.True(process.ExitCode == 0, process.ToString());
        Assert.Equal("tests/pass.sh", Assert.Single(results).Name);
    }

    [ContainerFact]
    public void The_same_cases_run_as_xunit_v3_facts_and_without_a_framework_the_build_says_why()
    {
        _sample.EnsureBuilt();
        string xunit = Path.Combine(_sample.Root, "xunit");
        PackedSample.CopyTree(_sample.Dir, xunit);
        string project = Path.Combine(xunit, "SampleMtp.csproj");
        string text = File.ReadAllText(project);
        File.WriteAllText(project, text
            .Replace("<PackageReference Include=\"MSTest.TestFramework\" Version=\"4.5.2\" />", "<PackageReference Include=\"xunit.v3\" Version=\"4.0.2\" />", StringComparison.Ordinal)
            .Replace("<PackageReference Include=\"MSTest.TestAdapter\" Version=\"4.5.2\" />", "", StringComparison.Ordinal)
            .Replace("<EnableMSTestRunner>true</EnableMSTestRunner>", "", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(xunit, "UnitTests.cs"), "namespace SampleMtp;\npublic sealed class UnitTests { [Xunit.Fact] public void Ordinary() { } }\n");
        foreach (var d in new[] { "bin", "obj", "TestResults" }.Select(d => Path.Combine(xunit, d)).Where(Directory.Exists))
        {
            Directory.Delete(d, recursive: true);
        }

        var (process, results) = Test(xunit, "xunit");
        Assert.True(process.ExitCode == 2, process.ToString());
        var byName = results.ToDictionary(r => r.Name);
        Assert.True(byName["tests/pass.sh"].Outcome == "Passed", $"{byName["tests/pass.sh"]}");
        Assert.Equal("Failed", byName["tests/fail.sh"].Outcome);
        Assert.Contains("exit code 3", byName["tests/fail.sh"].Message);
        Assert.Equal("NotExecuted", byName["tests/skip.sh"].Outcome);
        Assert.Equal("Failed", byName["tests/hang.sh"].Outcome);
        Assert.Equal("Passed", byName["SampleMtp.UnitTests.Ordinary"].Outcome);

        // An MTP application with no framework to host the cases: an error, never a silent pass.
        File.WriteAllText(project, File.ReadAllText(project).Replace("<PackageReference Include=\"xunit.v3\" Version=\"4.0.2\" />",
            "<PackageReference Include=\"Microsoft.Testing.Platform\" Version=\"2.5.3\" /><PackageReference Include=\"Microsoft.Testing.Platform.MSBuild\" Version=\"2.5.3\" />", StringComparison.Ordinal));
        File.Delete(Path.Combine(xunit, "UnitTests.cs"));
        var build = Dotnet.Run(xunit, _sample.Environment, "build", "-nologo");
        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Contains("error TINYDOCKER102", build.Stdout);
    }

    [ContainerFact]
    public void The_same_cases_run_as_nunit_tests_and_unknown_metadata_fails_the_build_naming_it()
    {
        _sample.EnsureBuilt();
        string nunit = Path.Combine(_sample.Root, "nunit");
        PackedSample.CopyTree(_sample.Dir, nunit);
        foreach (var d in new[] { "bin", "obj", "TestResults" }.Select(d => Path.Combine(nunit, d)).Where(Directory.Exists))
        {
            Directory.Delete(d, recursive: true);
        }
        string project = Path.Combine(nunit, "SampleMtp.csproj");
        string text = File.ReadAllText(project)
            .Replace("<PackageReference Include=\"MSTest.TestFramework\" Version=\"4.5.2\" />", "<PackageReference Include=\"NUnit\" Version=\"5.0.0\" />", StringComparison.Ordinal)
            .Replace("<PackageReference Include=\"MSTest.TestAdapter\" Version=\"4.5.2\" />", "<PackageReference Include=\"NUnit3TestAdapter\" Version=\"6.3.1\" />", StringComparison.Ordinal)
            .Replace("<EnableMSTestRunner>true</EnableMSTestRunner>", "<EnableNUnitRunner>true</EnableNUnitRunner>", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(nunit, "UnitTests.cs"), "namespace SampleMtp;\npublic sealed class UnitTests { [NUnit.Framework.Test] public void Ordinary() { } }\n");

        // A misspelt metadata name is an error that names it, not a silently unused value.
        File.WriteAllText(project, text.Replace("<TinyContainerTest Update=\"tests/pass.sh\" ", "<TinyContainerTest Update=\"tests/pass.sh\" Netwrk=\"host\" ", StringComparison.Ordinal));
        var build = Dotnet.Run(nunit, _sample.Environment, "build", "-nologo");
        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Contains("error TINYDOCKER104: TinyContainerTest `tests/pass.sh` has metadata `Netwrk`", build.Stdout);
        Assert.DoesNotContain("metadata `Network`", build.Stdout);

        File.WriteAllText(project, text);
        var (process, results) = Test(nunit, "nunit");
        Assert.True(process.ExitCode == 2, process.ToString());
        // NUnit names a test by its method (the path as an identifier).
        var byName = results.ToDictionary(r => r.Name);
        Assert.True(byName["tests_pass_sh"].Outcome == "Passed", $"{byName["tests_pass_sh"]}");
        Assert.Contains("greeting: hi", byName["tests_pass_sh"].StdOut);
        Assert.Equal("Failed", byName["tests_fail_sh"].Outcome);
        Assert.Contains("exit code 3", byName["tests_fail_sh"].Message);
        Assert.Equal("NotExecuted", byName["tests_skip_sh"].Outcome);
        Assert.Contains("timed out after 3s", byName["tests_hang_sh"].Message);
        Assert.Equal("Passed", byName["Ordinary"].Outcome);
        Assert.Empty(_sample.Tool.StateEntries());
    }

    /// <summary>`dotnet test` (MTP mode, from the sample's global.json) with a TRX report in a results directory of its own.</summary>
    private (ToolResult Process, IReadOnlyList<TrxResult> Results) Test(string dir, string name, params string[] args)
    {
        string results = Path.Combine(_sample.Root, "results", name);
        var process = Dotnet.Run(dir, _sample.Environment, ["test", "--results-directory", results, "--report-trx", "--report-trx-filename", $"{name}.trx", .. args]);
        string trx = Path.Combine(results, $"{name}.trx");
        Assert.True(File.Exists(trx), $"no TRX written:\n{process}");
        return (process, Trx.Read(trx));
    }
}
