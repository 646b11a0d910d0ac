using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;

namespace TinyDocker.Cli.Commands.Image;

/// <summary>`image VERB`: the image store (import, pull, ls, inspect, rm, prune); one verb per file beside this one.</summary>
internal static class ImageCommand
{
    public static void Register(CommandLineApplication app) => app.Command("image", cmd =>
    {
        CliHelp.Describe(cmd, "Manage images in the store ($TINYDOCKER_DATA, default /var/lib/tinydocker).", "COMMAND [options]",
            "image import ./busybox.tar busybox:1.36", "image ls");
        ImageImportCommand.Register(cmd);
        ImagePullCommand.Register(cmd);
        ImageLsCommand.Register(cmd);
        ImageInspectCommand.Register(cmd);
        ImageRmCommand.Register(cmd);
        ImagePruneCommand.Register(cmd);
        cmd.OnExecute(() =>
        {
            cmd.ShowHelp();
            return ExitCodes.TinyDockerError;
        });
    });

    /// <summary>A required argument's value, or a usage error (exit 125).</summary>
    public static string Required(CommandLineApplication cmd, CommandArgument arg)
        => arg.Value is { Length: > 0 } v ? v : throw new CommandParsingException(cmd, $"missing {arg.Name}");
}
