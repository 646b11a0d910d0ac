using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyDocker.Runtime.State;

/// <summary>
/// How a detached container ended, kept in its record (exit.json) and written into its lock file
/// (for a `wait` that holds the lock file open while --rm removes the directory). One line of JSON.
/// </summary>
public sealed record ExitRecord(int ExitCode, DateTimeOffset Finished, bool TimedOut, bool OomKilled, bool OwnerGone)
{
    /// <summary>
    /// Written by hand, as the spec is (Spec/SpecWire.cs): every run writes one, and the serializer
    /// would build its metadata for it in the tool at each run. <see cref="Parse"/> reads it with the
    /// serializer (ExitRecordTests hold the two together).
    /// </summary>
    public string ToJson() => Spec.HandWrittenJson.Object(w =>
    {
        w.WriteNumber("exitCode", ExitCode);
        w.WriteString("finished", Finished);
        w.WriteBoolean("timedOut", TimedOut);
        w.WriteBoolean("oomKilled", OomKilled);
        w.WriteBoolean("ownerGone", OwnerGone);
    }, 160);

    /// <summary>The first line of <paramref name="text"/> as a record; null when it holds none.</summary>
    public static ExitRecord? Parse(string? text)
    {
        if (text is null || text.Split('\n')[0] is not { Length: > 0 } line)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(line, ExitJson.Default.ExitRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ExitRecord))]
internal sealed partial class ExitJson : JsonSerializerContext;
