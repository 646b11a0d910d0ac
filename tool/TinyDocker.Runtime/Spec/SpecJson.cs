using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyDocker.Runtime.Spec;

/// <summary>Source-generated JSON for what crosses the host/init boundary and what `ps` prints (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ContainerSpec))]
[JsonSerializable(typeof(State.ContainerInfo[]))]
public sealed partial class SpecJson : JsonSerializerContext
{
    public static ContainerSpec Read(string path)
        => JsonSerializer.Deserialize(File.ReadAllText(path), Default.ContainerSpec)
           ?? throw new TinyDockerException($"spec `{path}` is empty");
}
