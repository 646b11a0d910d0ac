using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime.Images;

namespace TinyDocker.Cli.Commands.Image;

/// <summary>`image rm REF...`: removes names (or, given an id, the image and all its names); layers go at `image prune`.</summary>
internal static class ImageRmCommand
{
    public static void Register(CommandLineApplication image) => image.Command("rm", cmd =>
    {
        CliHelp.Describe(cmd, "Remove image names; an image goes with its last name. Layers are freed by `image prune`.",
            "NAME|ID...", "image rm busybox:1.36", "rmi ubuntu:16.04 myimg:1.0");
        var references = cmd.Argument("REF", "Image names or ids (one line on stderr for each not found; exit 125 if any).", multipleValues: true);
        cmd.OnExecute(() =>
        {
            var store = ImageStore.Open();
            return CliErrors.ForEach(ContainerNames.Required(cmd, references), reference => store.Remove(reference).Select(r => $"removed {r}").ToList());
        });
    });
}
