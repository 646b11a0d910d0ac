using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyDocker.TestAdapter;

/// <summary>
/// Reads the cases file the package's build targets write beside a test assembly. A test
/// assembly without one simply has no container cases (it is someone else's, e.g. xunit's).
/// </summary>
internal static class CasesFile
{
    public const int FormatVersion = 3;

    /// <summary>The file the build writes beside the test assembly for the VSTest adapter: <c>&lt;assembly name&gt;.TinyContainerTests.json</c>.</summary>
    public const string VSTestSuffix = ".TinyContainerTests.json";

    /// <summary>
    /// The file written instead for a Microsoft.Testing.Platform application, whose cases are the
    /// generated tests of its own framework: a VSTest run of the same assembly must not find them twice.
    /// </summary>
    public const string HostedSuffix = ".TinyContainerTests.hosted.json";

    public static string PathFor(string source, string suffix)
        => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(source)) ?? "/", System.IO.Path.GetFileNameWithoutExtension(source) + suffix);

    public static IReadOnlyList<ContainerCase> Read(string source, string suffix = VSTestSuffix)
    {
        string path = PathFor(source, suffix);
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
        var services = (model.Services ?? []).Where(x => x.Name is { Length: > 0 }).ToDictionary(x => x.Name!, ToDecl, StringComparer.Ordinal);
        return (model.Cases ?? [])
            .Where(c => c is { Name.Length: > 0, Path.Length: > 0 })
            .Select(c => new ContainerCase(c.Name!, c.Path!, model.ProjectDir, Blank(c.Image), Blank(c.Timeout), Blank(c.Memory), Blank(model.Tool), source)
            {
                Network = Blank(c.Network),
                User = Blank(c.User),
                Environment = List(c.Environment),
                Volumes = List(c.Volumes),
                KeepChangesOnFailure = string.Equals(Blank(c.KeepChangesOnFailure), "true", StringComparison.OrdinalIgnoreCase),
                // The build refused unknown names (TINYDOCKER106); a hand-edited file's are a case failure.
                Services = [.. List(c.Services).Select(n => services.TryGetValue(n, out var d) ? d
                    : throw new InvalidDataException($"{path}: case {c.Name} names service `{n}`, which is not declared: rebuild the test project"))],
            })
            .ToList();
    }

    private static ServiceDecl ToDecl(ServiceModel m) => new(m.Name!, Blank(m.Image), Blank(m.Command), Blank(m.Ready), Blank(m.Timeout), Blank(m.User), Blank(m.Init),
        string.Equals(Blank(m.Scope), "Case", StringComparison.OrdinalIgnoreCase) ? ServiceScope.Case : ServiceScope.Run)
    {
        Environment = List(m.Environment),
        Volumes = List(m.Volumes),
        Ports = List(m.Ports),
    };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>MSBuild's list of a metadata value: `;`-separated, blanks dropped.</summary>
    private static List<string> List(string? s)
        => (s ?? "").Split(';').Select(e => e.Trim()).Where(e => e.Length > 0).ToList();

    internal sealed class Model
    {
        public int Version { get; set; }

        public string? ProjectDir { get; set; }

        public string? Tool { get; set; }

        public List<CaseModel>? Cases { get; set; }

        public List<ServiceModel>? Services { get; set; }
    }

    internal sealed class ServiceModel
    {
        public string? Name { get; set; }

        public string? Image { get; set; }

        public string? Command { get; set; }

        public string? Ready { get; set; }

        public string? Timeout { get; set; }

        public string? User { get; set; }

        public string? Init { get; set; }

        public string? Scope { get; set; }

        public string? Environment { get; set; }

        public string? Volumes { get; set; }

        public string? Ports { get; set; }
    }

    internal sealed class CaseModel
    {
        public string? Name { get; set; }

        public string? Path { get; set; }

        public string? Image { get; set; }

        public string? Timeout { get; set; }

        public string? Memory { get; set; }

        public string? Network { get; set; }

        public string? User { get; set; }

        public string? Environment { get; set; }

        public string? Volumes { get; set; }

        public string? KeepChangesOnFailure { get; set; }

        public string? Services { get; set; }
    }
}

/// <summary>
/// The MSBuild targets write one case per line, each ending in a comma (MSBuild cannot tell the
/// last item), hence trailing commas.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(CasesFile.Model))]
internal sealed partial class CasesJson : JsonSerializerContext;
