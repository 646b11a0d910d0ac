using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyDocker.TestAdapter;

/// <summary>
/// Reads the cases file the package's build targets write beside a test assembly. A test
/// assembly without one simply has no container cases (it is someone else's, e.g. xunit's).
/// </summary>
internal static class CasesFile
{
    public const int FormatVersion = 1;

    public static IReadOnlyList<ContainerCase> Read(string source)
    {
        string path = AdapterIds.CasesFileFor(source);
        if (!File.Exists(path))
        {
            return [];
        }
        Model? model;
        try
        {
            model = JsonSerializer.Deserialize(File.ReadAllText(path), CasesJson.Default.Model);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid tinydocker cases file: {e.Message}", e);
        }
        if (model is null || model.Version != FormatVersion || model.ProjectDir is not { Length: > 0 })
        {
            throw new InvalidDataException($"{path}: unsupported cases file (version {model?.Version}; this adapter reads version {FormatVersion}): rebuild the test project");
        }
        return (model.Cases ?? [])
            .Where(c => c is { Name.Length: > 0, Path.Length: > 0 })
            .Select(c => new ContainerCase(c.Name!, c.Path!, model.ProjectDir, Blank(c.Image), Blank(c.Timeout), Blank(c.Memory), Blank(model.Tool), source))
            .ToList();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    internal sealed class Model
    {
        public int Version { get; set; }

        public string? ProjectDir { get; set; }

        public string? Tool { get; set; }

        public List<CaseModel>? Cases { get; set; }
    }

    internal sealed class CaseModel
    {
        public string? Name { get; set; }

        public string? Path { get; set; }

        public string? Image { get; set; }

        public string? Timeout { get; set; }

        public string? Memory { get; set; }
    }
}

/// <summary>
/// The MSBuild targets write one case per line, each ending in a comma (MSBuild cannot tell the
/// last item), hence trailing commas.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(CasesFile.Model))]
internal sealed partial class CasesJson : JsonSerializerContext;
