using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli;
using TinyDocker.Cli.Commands;
using TinyDocker.Cli.Commands.Image;
using TinyDocker.Cli.Help;
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
if (args is [TinyDocker.Runtime.Host.ReadinessCheck.TcpProbeVerb, var port])
{
    return TinyDocker.Runtime.Host.ReadinessCheck.ProbeHere(port);
}
if (args is [TinyDocker.Runtime.Rootless.LayerInUserNamespace.Verb, var layerDir])
{
    return TinyDocker.Runtime.Rootless.LayerInUserNamespace.RunHelper(layerDir);
}
if (args is [TinyDocker.Runtime.Host.DetachedStart.Verb, var owner])
{
    return TinyDocker.Runtime.Host.DetachedSupervisor.Run(owner, CliErrors.Guard);
}

string[] argv = DockerAliases.Rewrite(args);
// A test suite's invocations are nearly all `run`: its parse builds run's command alone. The whole
// tree is 0.4 M instructions, a tenth of the tool's run (bench/notes.md); every other command line,
// the root's help among them, builds all of it.
bool runAlone = argv is [RunCommand.Name, ..];

var app = new CommandLineApplication { Name = "dotnet tinydocker" };
CliHelp.Describe(app, "Runs commands in throwaway overlay containers: no daemon, nothing left behind, the image never changed.",
    "[options] COMMAND", "run ci1 ./tests.sh", "run --image busybox:1.36 t1 sh -c 'echo hi'");
app.ExtendedHelpText = DockerAliases.HelpText;
app.VersionOption("--version", ThisAssembly.AssemblyInformationalVersion);
RunCommand.Register(app, started);
if (!runAlone)
{
    PsCommand.Register(app);
    ExecCommand.Register(app);
    StopCommand.Register(app);
    KillCommand.Register(app);
    DiffCommand.Register(app);
    PortCommand.Register(app);
    CommitCommand.Register(app);
    PruneCommand.Register(app);
    RmCommand.Register(app);
    LogsCommand.Register(app);
    WaitCommand.Register(app);
    ImageCommand.Register(app);
    // exec declares its own options; its usage and examples are given here, beside the other verbs' help.
    CliHelp.Usage(app.Commands.Single(c => c.Name == ExecCommand.Name), "[options] NAME COMMAND [ARG...]", "exec ci1 sh", "exec ci1 cat /etc/hostname");
}
CliHelp.Apply(app);
app.OnExecute(() =>
{
    app.ShowHelp();
    return ExitCodes.TinyDockerError;
});

return CliErrors.Execute(app, RunCommand.SeparateCommand(app, argv));
