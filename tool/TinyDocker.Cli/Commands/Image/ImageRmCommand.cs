using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime.Images;

namespace TinyDocker.Cli.Commands.Image;

/// <summary>`image rm REF`: removes a name (or, given an id, the image and all its names); layers go at `image prune`.</summary>
internal static class ImageRmCommand
{
    public static void Register(CommandLineApplication image) => image.Command("rm", cmd =>
    {
        cmd.Description = "Remove an image name; the image goes with its last name. Layers are freed by `image prune`.";
        cmd.HelpOption("-h|--help");
        var reference = cmd.Argument("REF", "An image name or id.");
        cmd.OnExecute(() =>
        {
            foreach (var removed in ImageStore.Open().Remove(ImageCommand.Required(cmd, reference)))
            {
                Console.WriteLine($"removed {removed}");
            }
            return 0;
        });
    });
}
