namespace TinyDocker.TestAdapter.Tests;

public sealed class AdapterSettingsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Without_settings_it_runs_as_many_cases_as_there_are_cores_in_the_host_root()
    {
        Assert.Equal(new AdapterSettings(Environment.ProcessorCount, null, null, null, null), AdapterSettings.Parse(null, NoEnvironment));
        Assert.Equal(new AdapterSettings(Environment.ProcessorCount, null, null, null, null), AdapterSettings.Parse("<RunSettings />", NoEnvironment));
    }

    [Fact]
    public void Reads_the_TinyDocker_section_of_the_run_settings()
    {
        var settings = AdapterSettings.Parse("""
            <RunSettings>
              <RunConfiguration><MaxCpuCount>1</MaxCpuCount></RunConfiguration>
              <TinyDocker>
                <MaxParallel> 3 </MaxParallel>
                <Image>/images/debian</Image>
                <Shard>2/4</Shard>
                <ToolPath>/opt/tinydocker/dotnet-tinydocker</ToolPath>
                <StateRoot>/run/ci-7</StateRoot>
              </TinyDocker>
            </RunSettings>
            """, NoEnvironment);
        Assert.Equal(new AdapterSettings(3, "/images/debian", new Shard(2, 4), "/opt/tinydocker/dotnet-tinydocker", "/run/ci-7"), settings);
    }

    [Fact]
    public void The_environment_gives_the_shard_and_the_tool_when_the_run_settings_do_not()
    {
        var env = new Dictionary<string, string?> { ["TinyDockerShard"] = "1/2", ["TINYDOCKER_PATH"] = "/usr/local/bin/tinydocker" };
        Assert.Equal(new AdapterSettings(Environment.ProcessorCount, null, new Shard(1, 2), "/usr/local/bin/tinydocker"),
            AdapterSettings.Parse(null, env.GetValueOrDefault));
        Assert.Equal(new AdapterSettings(Environment.ProcessorCount, null, new Shard(2, 2), "/x"),
            AdapterSettings.Parse("<RunSettings><TinyDocker><Shard>2/2</Shard><ToolPath>/x</ToolPath></TinyDocker></RunSettings>", env.GetValueOrDefault));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("many")]
    public void A_bad_degree_of_parallelism_is_one_clear_error(string value)
    {
        var e = Assert.Throws<AdapterSettingsException>(() => AdapterSettings.Parse($"<RunSettings><TinyDocker><MaxParallel>{value}</MaxParallel></TinyDocker></RunSettings>", NoEnvironment));
        Assert.Equal($"invalid run setting TinyDocker.MaxParallel `{value}`: expected a whole number of at least 1", e.Message);
    }

    [Fact]
    public void A_bad_shard_in_the_environment_says_so()
    {
        var e = Assert.Throws<AdapterSettingsException>(() => AdapterSettings.Parse(null, n => n == "TinyDockerShard" ? "3/2" : null));
        Assert.Contains("in environment variable TinyDockerShard", e.Message);
    }
}
