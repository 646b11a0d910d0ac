using System.Globalization;
using System.Xml.Linq;

namespace TinyDocker.TestAdapter;

/// <summary>
/// The adapter's settings, read once per run from the run settings' <c>&lt;TinyDocker&gt;</c> section
/// and the environment (run settings win):
/// <c>MaxParallel</c> (default: the core count), <c>Image</c> (default image for cases that name
/// none; default: the host's root), <c>Shard</c> / <c>TinyDockerShard</c> (i/n), <c>ToolPath</c> /
/// <c>TINYDOCKER_PATH</c> (the tinydocker CLI to run; default: the one in the package),
/// <c>StateRoot</c> (the CLI's TINYDOCKER_ROOT for this run; default: the CLI's own default).
/// </summary>
internal sealed record AdapterSettings(int MaxParallel, string? Image, Shard? Shard, string? ToolPath, string? StateRoot = null)
{
    public const string SectionName = "TinyDocker";
    public const string ShardVariable = "TinyDockerShard";
    public const string ToolPathVariable = "TINYDOCKER_PATH";

    public static AdapterSettings Parse(string? runSettingsXml, Func<string, string?> environment)
    {
        var section = runSettingsXml is { Length: > 0 } xml ? XDocument.Parse(xml).Root?.Element(SectionName) : null;
        string? Setting(string name) => section?.Element(name)?.Value.Trim() is { Length: > 0 } v ? v : null;
        string? Env(string name) => environment(name) is { Length: > 0 } v ? v.Trim() : null;

        int maxParallel = Environment.ProcessorCount;
        if (Setting("MaxParallel") is { } mp
            && (!int.TryParse(mp, NumberStyles.None, CultureInfo.InvariantCulture, out maxParallel) || maxParallel < 1))
        {
            throw new AdapterSettingsException($"invalid run setting {SectionName}.MaxParallel `{mp}`: expected a whole number of at least 1");
        }

        Shard? shard = Setting("Shard") is { } s ? TestAdapter.Shard.Parse(s, $"run setting {SectionName}.Shard")
            : Env(ShardVariable) is { } e ? TestAdapter.Shard.Parse(e, $"environment variable {ShardVariable}")
            : null;

        return new AdapterSettings(maxParallel, Setting("Image"), shard, Setting("ToolPath") ?? Env(ToolPathVariable), Setting("StateRoot"));
    }
}
