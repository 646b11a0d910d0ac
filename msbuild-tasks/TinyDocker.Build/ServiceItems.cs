using Microsoft.Build.Framework;
using TinyDocker.Client;

namespace TinyDocker.Build;

/// <summary>
/// `&lt;TinyContainerService Include="db" Image="…" Command="…" Ready="tcp:5432" … /&gt;` items as
/// service definitions (runs in: the MSBuild node). The task judges only the names of things
/// (metadata, services, a Timeout); every value goes to the CLI as given, which checks it.
/// </summary>
internal static class ServiceItems
{
    /// <summary>The metadata a service item may carry; any other is an error, so a misspelling is never ignored.</summary>
    public static readonly IReadOnlyList<string> Known = ["Image", "Command", "Ready", "Environment", "Ports", "Volumes", "User", "Timeout", "Init", "Scope"];

    /// <summary>The definitions of the services named in <paramref name="selection"/> (all of them when empty), in declaration order, and the problems.</summary>
    public static (IReadOnlyList<(ServiceDefinition Definition, string? Init)> Services, IReadOnlyList<string> Problems) Parse(ITaskItem[] items, string? selection, Func<string, string> containerName)
    {
        var problems = new List<string>();
        var declared = new List<ITaskItem>();
        foreach (var item in items)
        {
            foreach (string name in item.CloneCustomMetadata().Keys.Cast<string>())
            {
                if (!Known.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add($"TinyContainerService `{item.ItemSpec}` has metadata `{name}`, which TinyDocker.Build does not know (known: {string.Join(", ", Known)})");
                }
            }
            if (declared.Any(d => string.Equals(d.ItemSpec, item.ItemSpec, StringComparison.Ordinal)))
            {
                problems.Add($"TinyContainerService `{item.ItemSpec}` is declared twice");
                continue;
            }
            declared.Add(item);
        }
        var wanted = List(selection);
        foreach (string name in wanted.Where(w => !declared.Any(d => d.ItemSpec == w)))
        {
            problems.Add($"TinyContainerServices names `{name}`, which is not a TinyContainerService (declared: {(declared.Count == 0 ? "none" : string.Join(", ", declared.Select(d => d.ItemSpec)))})");
        }
        var chosen = wanted.Count == 0 ? declared : declared.Where(d => wanted.Contains(d.ItemSpec)).ToList();
        var services = new List<(ServiceDefinition, string?)>();
        string? owner = null;
        foreach (var item in chosen)
        {
            string name = containerName(item.ItemSpec);
            var timeout = ServiceText.DefaultReadyTimeout;
            if (Meta(item, "Timeout") is { } t && !ServiceText.TryParseDuration(t, out timeout))
            {
                problems.Add($"TinyContainerService `{item.ItemSpec}` has Timeout `{t}`: expected seconds or a duration such as 90s, 2m, 500ms");
            }
            var ports = new List<ServicePort>();
            foreach (string p in List(Meta(item, "Ports")))
            {
                if (ServiceText.ParsePort(p) is { } port)
                {
                    ports.Add(port);
                }
                else
                {
                    problems.Add($"TinyContainerService `{item.ItemSpec}` has Ports entry `{p}`: expected CONTAINERPORT or HOSTPORT:CONTAINERPORT");
                }
            }
            services.Add((new ServiceDefinition
            {
                Name = name,
                Image = Meta(item, "Image"),
                Command = Meta(item, "Command") is { } c ? [RunInputs.Shell, "-c", c] : [],
                Environment = List(Meta(item, "Environment")),
                Volumes = List(Meta(item, "Volumes")),
                Ports = ports,
                Ready = Meta(item, "Ready") is { } r ? [r] : [],
                ReadyTimeout = timeout,
                User = Meta(item, "User"),
                // The first service owns the network namespace; the others join it, as a pod's containers do.
                NetworkOf = owner,
            }, Meta(item, "Init")));
            owner ??= name;
        }
        return (services, problems);
    }

    private static string? Meta(ITaskItem item, string name) => item.GetMetadata(name) is { Length: > 0 } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    /// <summary>MSBuild's list in one metadata value: `;`-separated, blanks dropped.</summary>
    internal static List<string> List(string? s) => (s ?? "").Split(';').Select(e => e.Trim()).Where(e => e.Length > 0).ToList();
}
