using System.Text.RegularExpressions;
using System.Xml.Linq;
using TinyDocker.Testing;

namespace TinyDocker.Build.Tests;

/// <summary>
/// `dotnet test -p:TinyContainer=true` with the options teams pass: coverage, diag logs, several
/// loggers, run settings, hooks on VSTest, hang dumps; under VSTest and under
/// Microsoft.Testing.Platform. Each result is checked on the host.
/// </summary>
[Collection(PackagedSampleCollection.Name)]
public sealed class TestOptionTests(PackagedSample sample)
{
    [ContainerFact]
    public void Vstest_coverage_diag_loggers_settings_and_hooks_all_work_in_the_container()
    {
        string results = Path.Combine(sample.Root, "opt-results");
        string diag = Path.Combine(sample.Root, "opt-diag", "log.txt");
        string hooks = Path.Combine(sample.Root, "hooks.targets");
        File.WriteAllText(hooks, """
            <Project>
              <Target Name="HookBefore" BeforeTargets="VSTest"><Message Importance="high" Text="hook: before VSTest" /></Target>
              <Target Name="HookAfter" AfterTargets="VSTest"><Message Importance="high" Text="hook: after VSTest" /></Target>
            </Project>
            """);

        var run = sample.Dotnet("test", sample.TestsProject, "-p:TinyContainer=true", $"-p:CustomAfterMicrosoftCommonTargets={hooks}",
            "--collect", "XPlat Code Coverage", "--settings", Path.Combine(sample.Dir, "Sample.Tests", "coverage.runsettings"),
            "--diag", diag, "--logger", "trx", "--logger", "html;LogFileName=report.html", "--results-directory", results);

        Assert.True(run.ExitCode == 0, run.ToString());
        // The coverage file (coverlet's collector, found through its BeforeTargets="VSTest" hook) counted lines.
        string coverage = Directory.GetFiles(results, "coverage.cobertura.xml", SearchOption.AllDirectories).First();
        int covered = int.Parse(Regex.Match(File.ReadAllText(coverage), "lines-covered=\"(\\d+)\"").Groups[1].Value);
        Assert.True(covered > 0, File.ReadAllText(coverage));
        // Both loggers wrote, and the diag logs (vstest.console's, the test host's) landed where --diag said.
        Assert.Single(Directory.GetFiles(results, "*.trx"));
        Assert.True(File.Exists(Path.Combine(results, "report.html")), run.ToString());
        Assert.True(File.Exists(diag), run.ToString());
        Assert.NotEmpty(Directory.GetFiles(Path.GetDirectoryName(diag)!, "log.host.*.txt"));
        // The hooks ran on the host, around the run in the container.
        int before = run.Output.IndexOf("hook: before VSTest", StringComparison.Ordinal);
        int inside = run.Output.IndexOf("TinyContainer: running the tests", StringComparison.Ordinal);
        int after = run.Output.IndexOf("hook: after VSTest", StringComparison.Ordinal);
        Assert.True(before >= 0 && before < inside && inside < after, run.ToString());
        Assert.Empty(sample.StateEntries());
    }

    [ContainerFact]
    public void Vstest_hang_dump_is_warned_without_ptrace_and_written_with_it()
    {
        string[] hang = ["test", sample.TestsProject, "-p:TinyContainer=true", "--filter", "FullyQualifiedName~Hangs_when_asked",
            "--blame-hang-timeout", "5s", "--blame-hang-dump-type", "mini"];
        // The run setting goes last: after `--` everything is one.
        string[] settings = [$"-p:TinyDockerBuildVersion={sample.Version}", "-nr:false", "-tl:off", "-nologo", "--", "RunConfiguration.EnvironmentVariables.SAMPLE_HANG=1"];

        string plain = Path.Combine(sample.Root, "hang-plain");
        var warned = DotnetRun.Run(sample.Environment, sample.Dir, [.. hang, "--results-directory", plain, .. settings]);
        Assert.True(warned.ExitCode != 0, warned.ToString());
        Assert.Contains("warning TD006: TinyContainer: --blame-hang: no dump is written in the container", warned.Output);
        // The hang is still found and reported.
        Assert.True(warned.Output.Contains("The specified inactivity time of 5 seconds has elapsed", StringComparison.Ordinal), warned.Output[^Math.Min(6000, warned.Output.Length)..]);
        // (blame's sequence file is not asserted: on a loaded machine vstest does not always write one.)
        Assert.Empty(Directory.GetFiles(plain, "*.dmp", SearchOption.AllDirectories));

        string allowed = Path.Combine(sample.Root, "hang-ptrace");
        var dumped = DotnetRun.Run(sample.Environment, sample.Dir, [.. hang, "-p:TinyContainerAllowPtrace=true", "--results-directory", allowed, .. settings]);
        Assert.True(dumped.ExitCode != 0, dumped.ToString());
        Assert.DoesNotContain("TD006", dumped.Output);
        Assert.NotEmpty(Directory.GetFiles(allowed, "*hangdump.dmp", SearchOption.AllDirectories));
        Assert.Empty(sample.StateEntries());
    }

    [ContainerFact]
    public void Mtp_coverlet_diagnostics_and_trx_land_on_the_host()
    {
        string dir = Path.Combine(sample.Dir, "Sample.MtpTests");
        string results = Path.Combine(sample.Root, "mtp-opt-results");
        string diag = Path.Combine(sample.Root, "mtp-opt-diag");
        var run = DotnetRun.Run(sample.Environment, dir, ["test", "-p:TinyContainer=true", $"-p:TinyDockerBuildVersion={sample.Version}",
            "--report-trx", "--results-directory", results, "--filter", "FullyQualifiedName~Runs_in",
            "--coverlet", "--coverlet-include-test-assembly", "--coverlet-output-format", "cobertura",
            "--diagnostic", "--diagnostic-output-directory", diag, "--timeout", "5m"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Single(Directory.GetFiles(results, "*.trx"));
        string coverage = Assert.Single(Directory.GetFiles(results, "coverage.cobertura*.xml"));
        int covered = int.Parse(Regex.Match(File.ReadAllText(coverage), "lines-covered=\"(\\d+)\"").Groups[1].Value);
        Assert.True(covered > 0, File.ReadAllText(coverage));
        Assert.NotEmpty(Directory.GetFiles(diag, "*.diag"));
        Assert.Empty(sample.StateEntries());
    }

    [ContainerFact]
    public void Mtp_hang_dump_is_warned_without_ptrace_and_written_with_it()
    {
        string dir = Path.Combine(sample.Dir, "Sample.MtpTests");
        string[] hang = ["test", "-p:TinyContainer=true", $"-p:TinyDockerBuildVersion={sample.Version}", "--filter", "FullyQualifiedName~Hangs_when_asked",
            "--test-parameter", "hang=1", "--hangdump", "--hangdump-timeout", "5s", "--hangdump-type", "Mini"];

        string plain = Path.Combine(sample.Root, "mtp-hang-plain");
        var warned = DotnetRun.Run(sample.Environment, dir, [.. hang, "--results-directory", plain]);
        Assert.True(warned.ExitCode != 0, warned.ToString());
        Assert.Contains("TinyContainer: warning TD006: --hangdump: no dump is written in the container", warned.Output);
        Assert.NotEmpty(Directory.GetFiles(plain, "*_hang.log"));
        Assert.Empty(Directory.GetFiles(plain, "*.dmp"));

        string allowed = Path.Combine(sample.Root, "mtp-hang-ptrace");
        var dumped = DotnetRun.Run(sample.Environment, dir, [.. hang, "-p:TinyContainerAllowPtrace=true", "--results-directory", allowed]);
        Assert.True(dumped.ExitCode != 0, dumped.ToString());
        Assert.NotEmpty(Directory.GetFiles(allowed, "*_hang.dmp"));
        Assert.Empty(sample.StateEntries());
    }
}
