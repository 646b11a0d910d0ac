using TinyDocker.Runtime.Init;

namespace TinyDocker.Cli.Commands;

/// <summary>The hidden init mode: `run` starts this program again as PID 1 of the container.</summary>
internal static class InitCommand
{
    public const string Verb = "__init";

    public static int Run(string specPath) => ContainerInit.Run(specPath);
}
