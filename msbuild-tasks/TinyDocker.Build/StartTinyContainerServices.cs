using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using TinyDocker.Client;

namespace TinyDocker.Build;

/// <summary>
/// Starts the project's `TinyContainerService` items before its first container (runs in: the
/// MSBuild node; every container operation is a CLI child process). They stay up for the rest
/// of the build: the running group is registered with MSBuild for the build's lifetime, and
/// MSBuild disposes it when the build ends, successful or not, which removes the services. A
/// second call in the same build (another container of the project) reuses them. Each service
/// is `run -d --die-with-parent`, owned by this node: a node killed outright takes them with it.
/// </summary>
public sealed class StartTinyContainerServices : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The `TinyContainerService` items.</summary>
    public ITaskItem[] Services { get; set; } = [];

    /// <summary>`;`-separated service names to start; empty: every declared one.</summary>
    public string? Names { get; set; }

    /// <summary>The stem of the services' container names (the project's name).</summary>
    public string? NamePrefix { get; set; }

    public string? TinyDockerPath { get; set; }

    /// <summary>`container:OWNER`: the network the project's containers join; empty without services.</summary>
    [Output]
    public string? Network { get; private set; }

    /// <summary>One item per published port: Include the service's name, metadata ContainerPort, HostPort, HostIp, Address (HOSTIP:HOSTPORT) and Container.</summary>
    [Output]
    public ITaskItem[] Ports { get; private set; } = [];

    /// <summary>`;`-separated container names of the services, in start order.</summary>
    [Output]
    public string? Containers { get; private set; }

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        string project = BuildEngine?.ProjectFileOfTaskNode ?? "";
        string prefix = NamePrefix is { Length: > 0 } p ? p : Path.GetFileNameWithoutExtension(project);
        // One random suffix for the group: `Project-db-1a2b3c4d`, `Project-cache-1a2b3c4d`.
        string group8 = ContainerName.Default(prefix);
        var containers = new Dictionary<string, string>(StringComparer.Ordinal);
        var (services, problems) = ServiceItems.Parse(Services, Names, service => containers[service] = ContainerName.ForService(group8, service));
        var (tool, toolProblem) = ToolLocator.Find(TinyDockerPath, Directory.GetCurrentDirectory());
        if (toolProblem is not null)
        {
            problems = [.. problems, toolProblem];
        }
        foreach (var problem in problems)
        {
            Log.LogError(null, ErrorCodes.BadService, null, null, 0, 0, 0, 0, "{0}; nothing was started.", problem);
        }
        if (problems.Count > 0)
        {
            return false;
        }
        if (services.Count == 0)
        {
            return true;
        }
        string key = RegistryKey(project, containers.Keys);
        var engine = (IBuildEngine4)BuildEngine!;
        if (engine.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is RunningServices running)
        {
            Report(running);
            return true;
        }
        var group = new ServiceGroup(tool!, null);
        Log.LogMessage(MessageImportance.High, "TinyContainerService: starting {0} (tool `{1}`)",
            string.Join(", ", services.Select(s => $"`{s.Definition.Name}`")), tool!.Description);
        try
        {
            group.Start(services, _cancel.Token);
        }
        catch (ServiceStartException e)
        {
            var failed = services.First(s => s.Definition.Name == e.Service).Definition;
            string item = containers.First(kv => kv.Value == e.Service).Key;
            string waiting = failed.Ready.Count > 0
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $", readiness check {string.Join(", ", failed.Ready)}, timeout {failed.ReadyTimeout.TotalSeconds:0.###}s")
                : "";
            string tail = e.LogTail.Trim('\n').Length > 0 ? $"\nits log's last lines:\n{e.LogTail.TrimEnd('\n')}" : "\nits log is empty";
            Log.LogError(null, ErrorCodes.ServiceFailed, null, null, 0, 0, 0, 0, "service `{0}` (container `{1}`{2}) did not start: {3}{4}",
                item, e.Service, waiting, e.Reason, e.Step == ServiceStartStep.Run ? "" : tail);
            return false;
        }
        catch (ServiceCommandException e)
        {
            Log.LogError(null, ErrorCodes.ServiceFailed, null, null, 0, 0, 0, 0, "{0}", e.Message);
            return false;
        }
        catch (OperationCanceledException)
        {
            Log.LogError(null, ErrorCodes.Cancelled, null, null, 0, 0, 0, 0, "starting the services was cancelled; they were removed");
            return false;
        }
        running = new RunningServices(group, containers.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal));
        engine.RegisterTaskObject(key, running, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        engine.RegisterTaskObject(RunningServices.KeyOf(group.NetworkOwner!), running, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        Report(running);
        Log.LogMessage(MessageImportance.High, "TinyContainerService: ready: {0}{1}", string.Join(", ", group.Names),
            group.Ports.Count > 0 ? "; ports " + string.Join(", ", group.Ports.Select(p => $"{p.Service} {p.ContainerPort} -> {p.Address}")) : "");
        return true;
    }

    private void Report(RunningServices running)
    {
        var group = running.Group;
        Network = group.Network;
        Containers = string.Join(";", group.Names);
        Ports = [.. group.Ports.Select(p => (ITaskItem)new TaskItem(running.ServiceOf(p.Service), new Dictionary<string, string>
        {
            ["Container"] = p.Service,
            ["ContainerPort"] = p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HostPort"] = p.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HostIp"] = p.HostIp,
            ["Address"] = p.Address,
        }))];
    }

    private static string RegistryKey(string project, IEnumerable<string> services) => $"TinyDocker.Build.Services|{project}|{string.Join(";", services)}";
}

/// <summary>A started group, disposed by MSBuild when the build ends (every service removed).</summary>
internal sealed class RunningServices(ServiceGroup group, IReadOnlyDictionary<string, string> serviceOfContainer) : IDisposable
{
    public ServiceGroup Group { get; } = group;

    /// <summary>The item name (`db`) of a service's container.</summary>
    public string ServiceOf(string container) => serviceOfContainer.TryGetValue(container, out var s) ? s : container;

    /// <summary>The key under which a container that joined `container:OWNER` finds the group (for its logs when it fails).</summary>
    public static string KeyOf(string owner) => "TinyDocker.Build.ServiceNetwork|" + owner;

    public void Dispose() => Group.Dispose();
}
