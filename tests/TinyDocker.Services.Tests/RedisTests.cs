using StackExchange.Redis;

namespace TinyDocker.Services.Tests;

/// <summary>Debian's Redis through the library, used from the host with StackExchange.Redis over -p.</summary>
[Collection(ServicesCollection.Name)]
public sealed class RedisTests(ServiceImages images)
{
    [RootFact]
    public async Task StackExchange_Redis_on_the_host_sets_and_gets_through_the_mapped_port()
    {
        await using var redis = images.Redis().Build();
        await redis.StartAsync();

        await using var mux = await ConnectionMultiplexer.ConnectAsync($"{redis.Hostname}:{redis.GetMappedPort(6379)},abortConnect=false,connectTimeout=10000");
        var db = mux.GetDatabase();
        await db.StringSetAsync("answer", 42);
        long incremented = await db.StringIncrementAsync("answer");

        Assert.Equal(43, incremented);
        // The container's own client sees the host's write: the same server, not some other one on the port.
        var cli = await redis.ExecAsync(["redis-cli", "-p", "6379", "get", "answer"]);
        Assert.Equal("43\n", cli.Stdout);
    }
}
