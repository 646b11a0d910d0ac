using TinyDocker.Runtime;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Tests;

public sealed class SpecValidatorTests
{
    internal static ContainerSpec Valid(string name = "c1") => new()
    {
        Name = name,
        Hostname = name,
        Layers = ["/"],
        Command = ["true"],
        Env = ["PATH=/bin"],
        WorkingDir = "/",
        StateRoot = "/run/tinydocker",
    };

    [Fact]
    public void A_plain_spec_is_valid() => Assert.Empty(SpecValidator.Problems(Valid()));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a,b")]
    [InlineData("a=b")]
    [InlineData("a:b")]
    [InlineData("-a")]
    [InlineData("_a")]
    [InlineData("a b")]
    [InlineData("a\nb")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd")] // 64 characters
    public void Bad_names_are_refused(string name)
    {
        var problems = SpecValidator.Problems(Valid(name));
        Assert.Contains(problems, p => p.Contains("invalid container name", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("A1")]
    [InlineData("ci-1_2.3")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc")] // 63 characters
    public void Good_names_are_taken(string name) => Assert.Empty(SpecValidator.Problems(Valid(name)));

    [Theory]
    [InlineData("/tmp/a,b")]
    [InlineData("/tmp/a:b")]
    [InlineData("/tmp/a=b")]
    [InlineData("/tmp/a\\b")]
    [InlineData("relative/dir")]
    public void Image_paths_that_would_corrupt_the_overlay_options_are_refused(string layer)
    {
        var problems = SpecValidator.Problems(Valid() with { Layers = [layer] });
        Assert.NotEmpty(problems);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var spec = Valid("bad/name") with { Command = [], Layers = ["/nonexistent-image-dir"], Env = ["NOEQUALS"] };

        var problems = SpecValidator.Problems(spec);

        Assert.Equal(4, problems.Count);
        var e = Assert.Throws<TinyDockerException>(() => SpecValidator.Validate(spec));
        Assert.Equal(ExitCodes.TinyDockerError, e.ExitCode);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Limits_and_modes_are_checked()
    {
        var spec = Valid() with
        {
            Network = "bridge",
            Limits = new ResourceLimits { MemoryBytes = 1024, PidsLimit = 0, Cpus = 1000 },
            Timeout = TimeSpan.Zero,
            Tmpfs = [new TmpfsMount("relative", "size=1m;rm -rf")],
            Volumes = [new Volume("/nonexistent-source", "/data", false)],
            CopyOut = [new CopyOut("relative", "/tmp/x")],
        };

        var problems = SpecValidator.Problems(spec);

        Assert.Equal(9, problems.Count);
    }
}
