using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyDocker.Runtime.State;

/// <summary>
/// How a detached container ended, kept in its record (exit.json) and written into its lock file
/// (for a `wait` that holds the lock file open while --rm removes the directory). One line of JSON.
/// </summary>
public sealed record ExitRecord(int ExitCode, DateTimeOffset Finished, bool TimedOut, bool OomKilled, bool OwnerGone)
{
    public string ToJson() => JsonSerializer.Serialize(this, ExitJson.Default.ExitRecord);

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
