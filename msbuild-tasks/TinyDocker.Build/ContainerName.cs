using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace TinyDocker.Build;

/// <summary>
/// The default container name, made when none is given: the project's name plus a random
/// suffix, so two projects (or two batches of one project) running at once under -m never ask
/// for the same name. A given name is the CLI's to check.
/// </summary>
internal static partial class ContainerName
{
    private const int SuffixLength = 8;

    /// <summary>The CLI's limit on a name's length.</summary>
    private const int MaxLength = 63;

    [GeneratedRegex("[^A-Za-z0-9_.-]+")]
    private static partial Regex Unsafe();

    /// <summary>`Project.Name-1a2b3c4d`: the project's name made safe (and short enough), then 8 random hex digits.</summary>
    public static string Default(string? projectName)
    {
        string stem = Unsafe().Replace(projectName ?? "", "-").Trim('-', '.', '_');
        if (stem.Length == 0)
        {
            stem = "msbuild";
        }
        int max = MaxLength - 1 - SuffixLength;
        if (stem.Length > max)
        {
            stem = stem[..max].TrimEnd('-', '.', '_');
        }
        string suffix = Convert.ToHexString(RandomNumberGenerator.GetBytes(SuffixLength / 2)).ToLowerInvariant();
        return $"{stem}-{suffix}";
    }

    /// <summary>A service's container in a group: the group's default name with the service's name before its suffix, `Project-db-1a2b3c4d`.</summary>
    public static string ForService(string groupName, string service)
    {
        string safe = Unsafe().Replace(service, "-").Trim('-', '.', '_');
        int dash = groupName.LastIndexOf('-');
        string stem = groupName[..dash];
        int room = MaxLength - (groupName.Length - dash) - 1 - stem.Length;
        if (safe.Length > room)
        {
            safe = safe[..Math.Max(0, room)];
        }
        return safe.Length == 0 ? groupName : $"{stem}-{safe}{groupName[dash..]}";
    }
}
