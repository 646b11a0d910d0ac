using System.Globalization;
using System.Text.Json;
using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime.Images;

namespace TinyDocker.Cli.Commands.Image;

/// <summary>`image ls [--format json]`: one line per name (images without a name show as &lt;none&gt;).</summary>
internal static class ImageLsCommand
{
    public static void Register(CommandLineApplication image) => image.Command("ls", cmd =>
    {
        CliHelp.Describe(cmd, "List stored images; SIZE is what their layers take unpacked.", "[options]", "image ls", "images --format json");
        var format = cmd.Value("--format", "table|json", "table (default) or json.");
        cmd.OnExecute(() =>
        {
            var images = ImageStore.Open().List().ToArray();
            switch (format.Value() ?? "table")
            {
                case "json":
                    Console.WriteLine(JsonSerializer.Serialize(images, ImageJson.Default.ImageSummaryArray));
                    break;
                case "table":
                    PrintTable(images);
                    break;
                default:
                    throw new CommandParsingException(cmd, $"unknown format `{format.Value()}`: use table or json");
            }
            return 0;
        });
    });

    private static void PrintTable(IReadOnlyList<ImageSummary> images)
    {
        var rows = images
            .SelectMany(i => (i.Tags.Length == 0 ? ["<none>"] : i.Tags).Select(tag => new[]
            {
                tag, i.Id[(Digest.Algorithm.Length + 1)..][..12], i.Layers.Length.ToString(CultureInfo.InvariantCulture),
                i.UnpackedSize is { } unpacked ? Progress.Size(unpacked) : "-", i.Created.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            }))
            .Prepend(["NAME", "IMAGE ID", "LAYERS", "SIZE", "CREATED"])
            .ToList();
        int[] widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }
    }
}
