using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime.Images;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands.Image;

/// <summary>`image prune`: removes unnamed images and unused layers, never a layer a live container stands on.</summary>
internal static class ImagePruneCommand
{
    public static void Register(CommandLineApplication image) => image.Command("prune", cmd =>
    {
        CliHelp.Describe(cmd, "Remove images without a name and layers no image uses; layers of running containers are kept.", "", "image prune");
        cmd.OnExecute(() =>
        {
            foreach (var removed in ImageStore.Open().Prune(StateRoot.LayersInUse(StateRoot.Current)))
            {
                Console.WriteLine($"removed {removed}");
            }
            return 0;
        });
    });
}
