using Npgsql;

namespace TinyDocker.Services.Tests;

/// <summary>
/// Twenty cases, each on a fresh database started from the seeded snapshot: each changes it (an
/// insert, a delete, an update) and checks first that no earlier case's change is there.
/// </summary>
[Collection(ServicesCollection.Name)]
public sealed class SnapshotCaseTests(ServiceImages images)
{
    public static TheoryData<int> Cases => [.. Enumerable.Range(1, 20)];

    [RootTheory]
    [MemberData(nameof(Cases))]
    public async Task Each_case_starts_from_the_snapshot_unchanged(int number)
    {
        await using var pg = images.Postgres(images.SeededPostgres).Build();
        await pg.StartAsync();
        await using var db = new NpgsqlConnection($"Host={pg.Hostname};Port={pg.GetMappedPort(5432)};Username=postgres;Database=postgres;Pooling=false");
        await db.OpenAsync();

        Assert.Equal("1:one,2:two,3:three", await Scalar(db, "select string_agg(id || ':' || name, ',' order by id) from items"));

        await Scalar(db, $"insert into items values ({100 + number}, 'case {number}')");
        await Scalar(db, $"delete from items where id = {1 + (number % 3)}");
        await Scalar(db, "update items set name = upper(name)");
        Assert.Equal(3L, await Scalar(db, "select count(*) from items"));
    }

    private static async Task<object?> Scalar(NpgsqlConnection db, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, db);
        return await cmd.ExecuteScalarAsync();
    }
}
