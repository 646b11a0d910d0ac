using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime.Images;

namespace TinyDocker.Cli.Commands.Image;

/// <summary>`image import [--platform P] SOURCE[:TAG|@DIGEST] REF`: an OCI layout, an oci- or docker-archive, or a rootfs tarball, into the store.</summary>
internal static class ImageImportCommand
{
    public static void Register(CommandLineApplication image) => image.Command("import", cmd =>
    {
        CliHelp.Describe(cmd, "Import an OCI layout directory, a docker-archive or oci-archive tar, or a root filesystem tarball (.tar, .tar.gz, .tar.zst).",
            "[options] SOURCE[:TAG|@sha256:DIGEST] NAME[:TAG]", "image import ubuntu-base-16.04.6-base-amd64.tar.gz ubuntu:16.04",
            "image import --platform linux/arm64 ./layout:1.0 myimg:1.0");
        var platform = cmd.Value("--platform", "OS/ARCH[/VARIANT]", "The image to take from a multi-architecture archive or layout (default: this machine's).");
        var source = cmd.Argument("SOURCE", "The directory or archive to import (never modified); :TAG or @sha256:DIGEST picks one of several images in it (the NAME's tag is tried too).");
        var reference = cmd.Argument("NAME", "The name to give it, e.g. ubuntu:16.04.");
        cmd.OnExecute(() =>
        {
            string path = ImageCommand.Required(cmd, source);
            var name = ImageReference.Parse(ImageCommand.Required(cmd, reference));
            var image = ImageImporter.Import(ImageStore.Open(), path, [name.ToString()], Progress.ForTerminal(),
                choice: ImageChoice.Default with { Platform = platform.Value() is { } p ? Platform.Parse(p) : Platform.Host });
            Console.WriteLine(image.Id);
            return 0;
        });
    });
}
