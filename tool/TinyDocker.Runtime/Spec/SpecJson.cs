using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyDocker.Runtime.Spec;

/// <summary>
/// Source-generated JSON for what `ps` prints (trimming- and AOT-safe), and the reference the tests
/// hold <see cref="SpecWire"/>'s spec JSON to.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ContainerSpec))]
[JsonSerializable(typeof(State.ContainerInfo[]))]
public sealed partial class SpecJson : JsonSerializerContext
{
    /// <summary>A spec file (<see cref="SpecWire"/>: the spec itself never goes through this context at run time).</summary>
    public static ContainerSpec Read(string path) => SpecWire.FromUtf8(File.ReadAllBytes(path));
}
