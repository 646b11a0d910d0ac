using System.Diagnostics;
using TinyDocker.Services;

namespace TinyDocker.Services.Tests;

/// <summary>
/// Shared by the service suites: a state and data root of their own (TinyTool), the cached Debian
/// image with PostgreSQL 15 and Redis imported into that store, and the seeded PostgreSQL snapshot
/// (initdb, a table of three rows, committed) that each fresh-database case starts from.
/// </summary>
public sealed class ServiceImages : IDisposable
{
    public const string Debian = "debian-services:1";
    public const string Seeded = "pg-seeded:1";
    public const string PgBin = "/usr/lib/postgresql/15/bin";
    public const string PgData = "/var/lib/postgresql/tdata";
    public const string PgReady = "database system is ready to accept connections";

    private readonly Lazy<string> _seeded;

    public ServiceImages()
    {
        Tool = new TinyTool();
        if (!Machine.IsRoot)
        {
            _seeded = new Lazy<string>(() => throw new InvalidOperationException("needs root"));
            return;
        }
        var sw = Stopwatch.StartNew();
        string tar = DebianImage.RootFsTarball("bookworm", DebianImage.ServicePackages);
        ImageSeconds = sw.Elapsed.TotalSeconds;
        var imported = Tool.Run(["image", "import", tar, Debian], timeout: TimeSpan.FromMinutes(5));
        Assert.True(imported.ExitCode == 0, imported.ToString());
        ImportSeconds = sw.Elapsed.TotalSeconds - ImageSeconds;
        _seeded = new Lazy<string>(Seed);
    }

    public TinyTool Tool { get; }

    /// <summary>How long the cached image took to get (minutes on a fresh machine, nothing later) and to import.</summary>
    public double ImageSeconds { get; }
    public double ImportSeconds { get; }

    /// <summary>The snapshot of an initialised database with table `items` (ids 1, 2, 3).</summary>
    public string SeededPostgres => _seeded.Value;

    /// <summary>A builder pointed at the CLI under test and this fixture's state and data roots.</summary>
    public TinyContainerBuilder Builder() => new TinyContainerBuilder()
        .WithTool(TinyTool.Executable)
        .WithToolEnvironment("TINYDOCKER_ROOT", Tool.StateRoot)
        .WithToolEnvironment("TINYDOCKER_DATA", Tool.DataRoot);

    /// <summary>PostgreSQL as user postgres from <paramref name="image"/>, on the container's loopback, published on a free host port.</summary>
    public TinyContainerBuilder Postgres(string image, string? command = null) => Builder()
        .WithImage(image)
        .WithUser("postgres")
        .WithCommand("sh", "-c", command ?? $"exec {PgBin}/postgres -D {PgData} -k /tmp -c listen_addresses=127.0.0.1")
        .WithPortBinding(5432)
        .WithWaitForLog(PgReady)
        .WithStartupTimeout(TimeSpan.FromSeconds(60));

    /// <summary>Redis on the container's loopback, nothing saved, published on a free host port.</summary>
    public TinyContainerBuilder Redis() => Builder()
        .WithImage(Debian)
        .WithUser("redis")
        .WithCommand("redis-server", "--bind", "127.0.0.1", "--port", "6379", "--save", "", "--appendonly", "no")
        .WithPortBinding(6379)
        .WithReadiness("tcp:6379");

    private string Seed()
    {
        var pg = Postgres(Debian, $"{PgBin}/initdb -D {PgData} -A trust -U postgres >/dev/null && exec {PgBin}/postgres -D {PgData} -k /tmp -c listen_addresses=127.0.0.1").Build();
        try
        {
            pg.StartAsync().GetAwaiter().GetResult();
            var psql = pg.ExecAsync(["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc",
                "create table items (id int primary key, name text); insert into items values (1, 'one'), (2, 'two'), (3, 'three'); checkpoint;"]).GetAwaiter().GetResult();
            Assert.True(psql.ExitCode == 0, psql.ToString());
            pg.CommitAsync(Seeded).GetAwaiter().GetResult();
            return Seeded;
        }
        finally
        {
            pg.Dispose();
        }
    }

    public void Dispose()
    {
        Tool.Run(["prune"]);
        Tool.Dispose();
        if (Directory.Exists(Tool.DataRoot))
        {
            Directory.Delete(Tool.DataRoot, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServicesCollection : ICollectionFixture<ServiceImages>
{
    public const string Name = "services";
}
