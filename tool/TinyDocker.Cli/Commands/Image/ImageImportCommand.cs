using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Runtime.Images;

namespace TinyDocker.Cli.Commands.Image;

/// <summary>`image import SOURCE REF`: an OCI layout, an oci- or docker-archive, or a rootfs tarball, into the store.</summary>
internal static class ImageImportCommand
{
    public static void Register(CommandLineApplication image) => image.Command("import", cmd =>
    {
        cmd.Description = "Import an OCI layout directory, a docker-archive or oci-archive tar, or a root filesystem tarball (.tar, .tar.gz, .tar.zst).";
        cmd.HelpOption("-h|--help");
        var source = cmd.Argument("SOURCE", "The directory or archive to import (never modified).");
        var reference = cmd.Argument("REF", "The name to give it, e.g. ubuntu:16.04.");
        cmd.OnExecute(() =>
        {
            string path = ImageCommand.Required(cmd, source);
            var name = ImageReference.Parse(ImageCommand.Required(cmd, reference));
            var image = ImageImporter.Import(ImageStore.Open(), path, [name.ToString()], Progress.ForTerminal());
            Console.WriteLine(image.Id);
            return 0;
        });
    });
}
