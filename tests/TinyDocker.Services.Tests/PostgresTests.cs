using Npgsql;

namespace TinyDocker.Services.Tests;

/// <summary>Debian's PostgreSQL 15 through the library: from the host with Npgsql over -p, and from a second container through its network.</summary>
[Collection(ServicesCollection.Name)]
public sealed class PostgresTests(ServiceImages images)
{
    [RootFact]
    public async Task Npgsql_on_the_host_queries_the_seeded_database_through_the_mapped_port()
    {
        await using var pg = images.Postgres(images.SeededPostgres).Build();
        await pg.StartAsync();

        await using var db = new NpgsqlConnection($"Host={pg.Hostname};Port={pg.GetMappedPort(5432)};Username=postgres;Database=postgres;Pooling=false");
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand("select string_agg(name, ',' order by id) from items", db);

        Assert.Equal("one,two,three", await cmd.ExecuteScalarAsync());
        Assert.Contains(ServiceImages.PgReady, (await pg.GetLogsAsync()).Stderr, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task Psql_and_redis_cli_in_another_container_reach_both_services_on_its_shared_loopback()
    {
        await using var pg = images.Postgres(images.SeededPostgres).Build();
        await pg.StartAsync();
        // Redis joins the database's network, and the client joins it too: one loopback for the three.
        await using var redis = images.Redis().WithNetworkOf(pg).Build();
        await redis.StartAsync();
        await using var client = images.Builder().WithImage(ServiceImages.Debian).WithNetworkOf(pg).WithCommand("sleep", "600").Build();
        await client.StartAsync();

        var psql = await client.ExecAsync(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "select count(*) from items"]);
        var set = await client.ExecAsync(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "set", "greeting", "hello"]);
        var get = await client.ExecAsync(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "get", "greeting"]);

        Assert.True(psql.ExitCode == 0, psql.ToString());
        Assert.Equal("3\n", psql.Stdout);
        Assert.Equal("OK\n", set.Stdout);
        Assert.Equal("hello\n", get.Stdout);
    }
}
