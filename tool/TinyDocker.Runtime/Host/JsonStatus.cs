// Runs in: the host tool.
using System.Text.Json;
using System.Text.Json.Serialization;
using TinyDocker.Runtime.Spec;

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

    public void Start(StartRecord record) => _writer?.WriteLine(StatusWire.ToJson(record));

    public void End(EndRecord record) => _writer?.WriteLine(StatusWire.ToJson(record));

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

/// <summary>
/// The records' JSON, the one <see cref="StatusJson"/> writes, written by hand as the spec is
/// (Spec/SpecWire.cs): the test adapter runs each case with --json-status, and the serializer would
/// build its metadata in the tool at each of those runs. JsonStatusTests hold the two together.
/// </summary>
public static class StatusWire
{
    public static string ToJson(StartRecord r) => HandWrittenJson.Object(w =>
    {
        w.WriteString("name", r.Name);
        w.WriteNumber("pid", r.Pid);
        w.WriteStartObject("namespaces");
        foreach (var (name, id) in r.Namespaces)
        {
            w.WriteString(name, id);
        }
        w.WriteEndObject();
        w.WriteString("type", r.Type);
    });

    public static string ToJson(EndRecord r) => HandWrittenJson.Object(w =>
    {
        w.WriteNumber("exitCode", r.ExitCode);
        HandWrittenJson.Number(w, "signal", r.Signal);
        w.WriteBoolean("timedOut", r.TimedOut);
        w.WriteBoolean("oomKilled", r.OomKilled);
        w.WriteNumber("wallTimeSeconds", r.WallTimeSeconds);
        w.WriteNumber("userCpuSeconds", r.UserCpuSeconds);
        w.WriteNumber("systemCpuSeconds", r.SystemCpuSeconds);
        HandWrittenJson.Number(w, "peakMemoryBytes", r.PeakMemoryBytes);
        w.WriteString("type", r.Type);
    });
}

/// <summary>The serializer's view of the records: the reference the hand-written JSON is held to (JsonStatusTests).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StartRecord))]
[JsonSerializable(typeof(EndRecord))]
public sealed partial class StatusJson : JsonSerializerContext;
