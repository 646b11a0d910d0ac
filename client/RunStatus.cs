using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyDocker.Client;

/// <summary>
/// The end record `--json-status` writes (TinyDocker.Runtime.Host.EndRecord): how the container
/// ended, read instead of scraping stderr. Absent when the CLI failed before the container started.
/// </summary>
internal sealed record RunStatus(
    int ExitCode, int? Signal, bool TimedOut, bool OomKilled,
    double WallTimeSeconds, double UserCpuSeconds, double SystemCpuSeconds, long? PeakMemoryBytes)
{
    /// <summary>The file's end record, or null if there is none (the container never started, or the CLI was killed).</summary>
    public static RunStatus? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        RunStatus? end = null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                var record = JsonSerializer.Deserialize(line, RunStatusJson.Default.Record);
                if (record?.Type == "end")
                {
                    end = new RunStatus(record.ExitCode, record.Signal, record.TimedOut, record.OomKilled,
                        record.WallTimeSeconds, record.UserCpuSeconds, record.SystemCpuSeconds, record.PeakMemoryBytes);
                }
            }
            catch (JsonException)
            {
                // A torn last line (the CLI killed while writing): no end record.
            }
        }
        return end;
    }

    internal sealed class Record
    {
        public string? Type { get; set; }
        public int ExitCode { get; set; }
        public int? Signal { get; set; }
        public bool TimedOut { get; set; }
        public bool OomKilled { get; set; }
        public double WallTimeSeconds { get; set; }
        public double UserCpuSeconds { get; set; }
        public double SystemCpuSeconds { get; set; }
        public long? PeakMemoryBytes { get; set; }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunStatus.Record))]
internal sealed partial class RunStatusJson : JsonSerializerContext;
