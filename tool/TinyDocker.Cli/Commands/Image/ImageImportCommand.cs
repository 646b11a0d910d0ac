using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime.Images;

namespace TinyDocker.Cli.Commands.Image;

/// <summary>`image import SOURCE REF`: an OCI layout, an oci- or docker-archive, or a rootfs tarball, into the store.</summary>
internal static class ImageImportCommand
{
    public static void Register(CommandLineApplication image) => image.Command("import", cmd =>
    {
        CliHelp.Describe(cmd, "Import an OCI layout directory, a docker-archive or oci-archive tar, or a root filesystem tarball (.tar, .tar.gz, .tar.zst).",
            "[options] SOURCE NAME[:TAG]", "image import ubuntu-base-16.04.6-base-amd64.tar.gz ubuntu:16.04", "image import ./layout myimg:1.0");
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
