using System.Diagnostics;
using System.Globalization;
using DotNet.Testcontainers.Builders;
using Npgsql;
using TinyDocker.Services;

// bench/services.sh: `ServicesBench ENGINE IMAGE MODE RUNS [CLI]`
//   ENGINE tinydocker | testcontainers; MODE snapshot (an initialised data directory in IMAGE) | initdb (run initdb first).
// Each run: start, wait for the log line, then one `select 1` answered over the published port
// (start-to-ready), then disposal (timed apart). Prints one line per run, then a summary line.
const string Bin = "/usr/lib/postgresql/15/bin";
const string Data = "/var/lib/postgresql/bench";
const string ReadyLine = "database system is ready to accept connections";

string engine = args[0], image = args[1], mode = args[2];
int runs = int.Parse(args[3], CultureInfo.InvariantCulture);
string? cli = args.Length > 4 ? args[4] : null;
string serve = $"exec {Bin}/postgres -D {Data} -k /tmp -c listen_addresses=127.0.0.1";
// Docker's published port arrives from the bridge (docker-proxy), not from 127.0.0.1: trust every host (both engines).
string command = mode == "initdb" ? $"{Bin}/initdb -D {Data} -A trust -U postgres >/dev/null && echo 'host all all 0.0.0.0/0 trust' >>{Data}/pg_hba.conf && {serve}" : serve;
// Testcontainers publishes through docker-proxy to the container's bridge address: listen there too.
string dockerCommand = command.Replace("listen_addresses=127.0.0.1", "listen_addresses=*", StringComparison.Ordinal);

var ready = new List<double>();
var disposal = new List<double>();
for (int i = 0; i < runs; i++)
{
    var sw = Stopwatch.StartNew();
    Func<Task> dispose;
    if (engine == "tinydocker")
    {
        var c = new TinyContainerBuilder().WithTool(cli!).WithImage(image).WithUser("postgres").WithCommand("sh", "-c", command)
            .WithPortBinding(5432).WithWaitForLog(ReadyLine).Build();
        await c.StartAsync();
        await Query(c.Hostname, c.GetMappedPort(5432));
        dispose = () => c.DisposeAsync().AsTask();
    }
    else
    {
        var c = new ContainerBuilder(image).WithCreateParameterModifier(p => p.User = "postgres").WithCommand("sh", "-c", dockerCommand)
            .WithPortBinding(5432, true).WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged(ReadyLine)).Build();
        await c.StartAsync();
        await Query(c.Hostname, c.GetMappedPublicPort(5432));
        dispose = () => c.DisposeAsync().AsTask();
    }
    ready.Add(sw.Elapsed.TotalMilliseconds);
    sw.Restart();
    await dispose();
    disposal.Add(sw.Elapsed.TotalMilliseconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {i + 1}: ready {ready[^1]:0} ms, disposed {disposal[^1]:0} ms"));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"summary {engine} {mode} runs={runs} ready_median={Median(ready):0} ready_min={ready.Min():0} ready_max={ready.Max():0} dispose_median={Median(disposal):0}"));

static async Task Query(string host, int port)
{
    await using var db = new NpgsqlConnection($"Host={host};Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=30");
    await db.OpenAsync();
    await using var cmd = new NpgsqlCommand("select 1", db);
    await cmd.ExecuteScalarAsync();
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
}
