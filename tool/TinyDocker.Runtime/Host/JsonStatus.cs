using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyDocker.Runtime.Host;

/// <summary>`--json-status`: one JSON line when the container starts and one when it ends (as bubblewrap's --json-status-fd).</summary>
internal sealed class JsonStatus : IDisposable
{
    private readonly StreamWriter? _writer;

    public JsonStatus(string? path)
    {
        if (path is not null)
        {
            _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
    }

    public void Start(StartRecord record) => _writer?.WriteLine(JsonSerializer.Serialize(record, StatusJson.Default.StartRecord));

    public void End(EndRecord record) => _writer?.WriteLine(JsonSerializer.Serialize(record, StatusJson.Default.EndRecord));

    public void Dispose() => _writer?.Dispose();
}

public sealed record StartRecord(string Name, int Pid, Dictionary<string, string> Namespaces)
{
    public string Type => "start";
}

public sealed record EndRecord(
    int ExitCode, int? Signal, bool TimedOut, bool OomKilled,
    double WallTimeSeconds, double UserCpuSeconds, double SystemCpuSeconds, long? PeakMemoryBytes)
{
    public string Type => "end";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StartRecord))]
[JsonSerializable(typeof(EndRecord))]
internal sealed partial class StatusJson : JsonSerializerContext;
