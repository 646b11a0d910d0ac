using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli;
using TinyDocker.Cli.Commands;
using TinyDocker.Cli.Commands.Image;
using TinyDocker.Runtime;

long started = System.Diagnostics.Stopwatch.GetTimestamp();
// Before anything else, init mode included: an exception on any thread is one line and 125.
LastChance.Install();

// The init mode is internal: it is dispatched before any parsing, so it loads as little as possible.
if (args is [InitCommand.Verb, var specPath])
{
    return InitCommand.Run(specPath);
}
if (args is [TinyDocker.Runtime.Init.ExecHelper.Verb, var initPid])
{
    return TinyDocker.Runtime.Init.ExecHelper.Run(initPid);
}

var app = new CommandLineApplication
{
    Name = "dotnet tinydocker",
    Description = "Runs commands in throwaway overlay containers: no daemon, nothing left behind, the image never changed.",
};
app.HelpOption("-h|--help");
app.VersionOption("--version", ThisAssembly.AssemblyInformationalVersion);
RunCommand.Register(app, started);
PsCommand.Register(app);
ExecCommand.Register(app);
StopCommand.Register(app);
KillCommand.Register(app);
DiffCommand.Register(app);
PruneCommand.Register(app);
ImageCommand.Register(app);
app.OnExecute(() =>
{
    app.ShowHelp();
    return ExitCodes.TinyDockerError;
});

return CliErrors.Execute(app, RunCommand.SeparateCommand(app, args));
