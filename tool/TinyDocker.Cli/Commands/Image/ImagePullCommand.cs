using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime.Images;
using TinyDocker.Runtime.Images.Registry;

namespace TinyDocker.Cli.Commands.Image;

/// <summary>`image pull REF [--insecure]`: from a registry speaking the OCI distribution API.</summary>
internal static class ImagePullCommand
{
    public static void Register(CommandLineApplication image) => image.Command("pull", cmd =>
    {
        CliHelp.Describe(cmd, "Pull an image (by tag or digest) from a registry: HTTPS, or plain HTTP for 127.0.0.1/localhost.",
            "[options] REGISTRY/REPOSITORY[:TAG][@sha256:DIGEST]", "pull 127.0.0.1:5000/team/busybox:1.36", "image pull --platform linux/arm64 registry.example/library/alpine:3.20");
        var reference = cmd.Argument("REF", "REGISTRY/REPOSITORY[:TAG][@sha256:DIGEST], e.g. 127.0.0.1:5000/team/busybox:1.36.");
        var platform = cmd.Value("--platform", "OS/ARCH[/VARIANT]", "The image to take from a multi-architecture index (default: this machine's).");
        var insecure = cmd.Flag("--insecure", "Use plain HTTP for a registry that is not on this machine.");
        cmd.OnExecute(() =>
        {
            var name = ImageReference.Parse(ImageCommand.Required(cmd, reference));
            var image = ImagePuller.Pull(ImageStore.Open(), name, insecure.HasValue(), Progress.ForTerminal(),
                platform.Value() is { } p ? Platform.Parse(p) : null);
            Console.WriteLine(image.Id);
            return 0;
        });
    });
}
