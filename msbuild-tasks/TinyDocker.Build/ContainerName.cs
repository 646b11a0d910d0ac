using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace TinyDocker.Build;

/// <summary>
/// Container names: the CLI's rule, and the default the task makes when none is given. The
/// default is the project's name plus a random suffix, so two projects (or two batches of one
/// project) running at once under -m never ask for the same name.
/// </summary>
internal static partial class ContainerName
{
    /// <summary>The CLI's rule (SpecValidator.NamePattern in the runtime); kept equal by a test.</summary>
    public const string Pattern = "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}";

    private const int SuffixLength = 8;

    [GeneratedRegex("^" + Pattern + @"\z")]
    private static partial Regex NameRegex();

    [GeneratedRegex("[^A-Za-z0-9_.-]+")]
    private static partial Regex Unsafe();

    public static bool IsValid(string name) => NameRegex().IsMatch(name);

    /// <summary>`Project.Name-1a2b3c4d`: the project's name made safe (and short enough), then 8 random hex digits.</summary>
    public static string Default(string? projectName)
    {
        string stem = Unsafe().Replace(projectName ?? "", "-").Trim('-', '.', '_');
        if (stem.Length == 0)
        {
            stem = "msbuild";
        }
        int max = 63 - 1 - SuffixLength;
        if (stem.Length > max)
        {
            stem = stem[..max].TrimEnd('-', '.', '_');
        }
        string suffix = Convert.ToHexString(RandomNumberGenerator.GetBytes(SuffixLength / 2)).ToLowerInvariant();
        return $"{stem}-{suffix}";
    }
}
