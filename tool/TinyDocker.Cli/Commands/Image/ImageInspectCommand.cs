using System.Text.Json;
using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Images;

namespace TinyDocker.Cli.Commands.Image;

/// <summary>`image inspect REF`: the image's record as JSON (id, names, layers bottom first, config).</summary>
internal static class ImageInspectCommand
{
    public static void Register(CommandLineApplication image) => image.Command("inspect", cmd =>
    {
        CliHelp.Describe(cmd, "Show an image's id, names, layers (bottom first) and config as JSON.", "NAME|ID", "image inspect busybox:1.36");
        var reference = cmd.Argument("REF", "An image name or id.");
        cmd.OnExecute(() =>
        {
            string name = ImageCommand.Required(cmd, reference);
            var store = ImageStore.Open();
            var record = store.Find(name) ?? throw new TinyDockerException($"no such image `{name}`");
            Console.WriteLine(JsonSerializer.Serialize(store.Summarize(record), ImageJson.Default.ImageSummary));
            return 0;
        });
    });
}
