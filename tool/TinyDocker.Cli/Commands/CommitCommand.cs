using System.Runtime.InteropServices;
using McMaster.Extensions.CommandLineUtils;
using TinyDocker.Cli.Help;
using TinyDocker.Runtime;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.State;

namespace TinyDocker.Cli.Commands;

/// <summary>`commit NAME IMAGE[:TAG]`: a running container's changes as a new layer on its image.</summary>
internal static class CommitCommand
{
    public static void Register(CommandLineApplication app) => app.Command("commit", cmd =>
    {
        CliHelp.Describe(cmd, "Save a running container's changes to its root filesystem as a new image: its image plus one layer.",
            "[options] NAME IMAGE[:TAG]", "commit db1 db-initialised:1", "run --image db-initialised:1 case1 ./test.sh");
        cmd.ExtendedHelpText = """

            The container is frozen (cgroup freezer) while its upper layer is copied, and runs on after.
            Taken: what the command changed in the root filesystem. Not taken: the current directory
            (shared from the host), volumes, tmpfs mounts (/tmp among them). The new image has the config
            of the container's image (entrypoint, command, environment), not the container's -e or command.
            A container on the host's root or on a directory image has no stored image to build on: refused.
            """;
        var pause = cmd.Value("-p|--pause", "true|false", "Freeze the container during the commit (default true).");
        var name = cmd.Argument("NAME", "The running container.");
        var reference = cmd.Argument("IMAGE", "The new image's name, e.g. db-initialised:1.");
        cmd.OnExecute(() =>
        {
            bool frozen = (pause.Value() ?? "true") switch
            {
                "true" => true,
                "false" => false,
                var v => throw new TinyDockerException($"invalid --pause `{v}`: expected true or false"),
            };
            var c = LiveContainer.Open(StateRoot.Current, name.Value ?? "");
            string image = reference.Value ?? throw new TinyDockerException("commit needs the new image's name: commit NAME IMAGE[:TAG]");
            // A Ctrl-C or SIGTERM while the container is frozen thaws it before the tool exits.
            Action? thaw = null;
            using var signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(sig => PosixSignalRegistration.Create(sig, ctx =>
            {
                thaw?.Invoke();
            })).ToList().AsDisposable();
            var record = ContainerCommit.Commit(c, image, frozen, t => thaw = t);
            Console.WriteLine(record.Id);
            return 0;
        });
    });

    private sealed class Registrations(List<PosixSignalRegistration> list) : IDisposable
    {
        public void Dispose() => list.ForEach(r => r.Dispose());
    }

    private static Registrations AsDisposable(this List<PosixSignalRegistration> list) => new(list);
}
