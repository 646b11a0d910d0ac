namespace TinyDocker.TestAdapter.Tests;

public sealed class ShardTests
{
    [Theory]
    [InlineData("1/1", 1, 1)]
    [InlineData("2/3", 2, 3)]
    [InlineData(" 3/3 ", 3, 3)]
    public void Parses_i_of_n(string text, int index, int count)
        => Assert.Equal(new Shard(index, count), Shard.Parse(text, "test"));

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("1/0")]
    [InlineData("-1/3")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void Rejects_anything_else_naming_where_it_came_from(string text)
    {
        var e = Assert.Throws<AdapterSettingsException>(() => Shard.Parse(text, "environment variable TinyDockerShard"));
        Assert.Equal($"invalid shard `{text}` in environment variable TinyDockerShard: expected i/n with 1 <= i <= n, e.g. 2/3", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void N_shards_hold_each_name_exactly_once(int n)
    {
        var names = Enumerable.Range(0, 300).Select(i => $"tests/suite{i % 7}/case{i}.sh").ToList();
        foreach (var name in names)
        {
            Assert.Equal(1, Enumerable.Range(1, n).Count(i => new Shard(i, n).Contains(name)));
        }
        // Not all in one shard: each of n shards gets a fair part of 300 names.
        Assert.All(Enumerable.Range(1, n), i => Assert.InRange(names.Count(new Shard(i, n).Contains), 300 / n / 2, 300 / n * 2));
    }

    [Fact]
    public void The_split_is_FNV_1a_of_the_name_so_every_machine_agrees()
    {
        // FNV-1a 32 of "a" is 0xE40C292C (the published test vector); 0xE40C292C % 3 == 1, so shard 2/3.
        Assert.Equal(1u, 0xE40C292Cu % 3);
        Assert.True(new Shard(2, 3).Contains("a"));
        Assert.False(new Shard(1, 3).Contains("a"));
        Assert.False(new Shard(3, 3).Contains("a"));
    }
}
