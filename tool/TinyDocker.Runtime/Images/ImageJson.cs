using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyDocker.Runtime.Images;

/// <summary>The names in a store: tag or digest references, and cached archive paths, each pointing at an image id.</summary>
public sealed class Repositories
{
    public SortedDictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Archive files `run --image FILE` imported, keyed by path, size, mtime and inode.</summary>
    public SortedDictionary<string, string> Sources { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>What `image ls` and `image inspect` print.</summary>
public sealed record ImageSummary(string Id, string[] Tags, string[] Layers, long Size, long? UnpackedSize, DateTimeOffset Created, string Source, ImageConfig Config);

/// <summary>Source-generated JSON for the store's own files (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageRecord))]
[JsonSerializable(typeof(Repositories))]
[JsonSerializable(typeof(ImageSummary))]
[JsonSerializable(typeof(ImageSummary[]))]
public sealed partial class ImageJson : JsonSerializerContext
{
    /// <summary>Writes a file so a reader sees the old content or the new, never half of it.</summary>
    public static void WriteAtomically<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        => Interop.Sys.WriteFileAtomically(path, JsonSerializer.SerializeToUtf8Bytes(value, type), 0b110_110_110);
}
