using System.Collections.Concurrent;
using TinyDocker.Client;

namespace TinyDocker.TestAdapter;

/// <summary>The services one case runs beside: the network it joins, and what to do once it has run.</summary>
internal sealed record ServiceLease(ServiceGroup Group, bool Owned) : IDisposable
{
    /// <summary>A per-case group is removed with the case; a run's stays for the next case.</summary>
    public void Dispose()
    {
        if (Owned)
        {
            Group.Dispose();
        }
    }
}

/// <summary>
/// The services of one test run (runs in: the test host; every container operation is a CLI child
/// process). `Scope="Run"` (the default): one group per distinct `Services` value, started before
/// the first case that needs it and removed when the run ends. `Scope="Case"`: each service is
/// started once as a template, made ready, initialised by its `Init` command, committed to a
/// snapshot image and removed; each case then gets a new group started from the snapshots, removed
/// after the case. Every service is `run -d --die-with-parent`: owned by the test host, so a test
/// host killed outright takes them with it.
/// </summary>
internal sealed class CaseServices(IReadOnlyDictionary<string, string>? environment) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ServiceGroup>>> _runGroups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _snapshots = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<string> _images = [];
    private CliTool? _tool;

    /// <summary>The services of <paramref name="c"/>, started or reused; null when it has none. Throws <see cref="ServiceStartException"/>.</summary>
    public async Task<ServiceLease?> AcquireAsync(ContainerCase c, CliTool tool, CancellationToken cancel)
    {
        if (c.Services.Count == 0)
        {
            return null;
        }
        _tool ??= tool;
        if (c.Services.Select(s => s.Scope).Distinct().Count() > 1)
        {
            throw new InvalidOperationException($"the services {string.Join(", ", c.Services.Select(s => $"{s.Name} (Scope {s.Scope})"))} share one network namespace, so they must have the same Scope");
        }
        string run = Guid.NewGuid().ToString("N")[..8];
        if (c.Services[0].Scope == ServiceScope.Run)
        {
            string key = string.Join(";", c.Services.Select(s => s.Name));
            var lazy = _runGroups.GetOrAdd(key, _ => new Lazy<Task<ServiceGroup>>(() => Task.Run(() =>
            {
                var group = new ServiceGroup(tool, environment);
                group.Start([.. c.Services.Select(s => (s.ToDefinition(ContainerName(s.Name, run)), s.Init))], CancellationToken.None);
                return group;
            })));
            // A failed start stays failed: every case that needs it reports the same failure, none retries it.
            return new ServiceLease(await lazy.Value.WaitAsync(cancel).ConfigureAwait(false), Owned: false);
        }
        var images = new List<string>();
        foreach (var s in c.Services)
        {
            images.Add(await _snapshots.GetOrAdd(s.Name, _ => new Lazy<Task<string>>(() => Task.Run(() => Snapshot(s, tool)))).Value.WaitAsync(cancel).ConfigureAwait(false));
        }
        var perCase = new ServiceGroup(tool, environment);
        // Init ran once, in the snapshot: a case's service starts from its result.
        await Task.Run(() => perCase.Start([.. c.Services.Select((s, i) => (s.ToDefinition(ContainerName(s.Name, run), images[i]), (string?)null))], cancel), cancel).ConfigureAwait(false);
        return new ServiceLease(perCase, Owned: true);
    }

    /// <summary>The template: started alone, ready, initialised, committed, removed; the snapshot's name.</summary>
    private string Snapshot(ServiceDecl s, CliTool tool)
    {
        string unique = Guid.NewGuid().ToString("N")[..12];
        string image = $"tinydocker-snapshot-{Safe(s.Name).ToLowerInvariant()}-{unique}:1";
        using var template = new ServiceGroup(tool, environment);
        template.Start([(s.ToDefinition(ContainerName(s.Name, unique[..8])), s.Init)], CancellationToken.None);
        template.Commit(template.NetworkOwner!, image, CancellationToken.None);
        _images.Add(image);
        return image;
    }

    /// <summary>Removes the run's services and the snapshots (`rmi`).</summary>
    public void Dispose()
    {
        foreach (var lazy in _runGroups.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                lazy.Value.Result.Dispose();
            }
        }
        _runGroups.Clear();
        if (_tool is { } tool && !_images.IsEmpty)
        {
            CliRunner.Run(tool, ["rmi", .. _images], environment, CancellationToken.None);
        }
        _images.Clear();
    }

    private static string ContainerName(string service, string unique) => $"svc-{Safe(service)}-{unique}";

    private static string Safe(string name)
    {
        string s = new string([.. name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_' ? ch : '-')]).Trim('-', '.', '_');
        return s.Length > 40 ? s[..40] : s.Length == 0 ? "service" : s;
    }
}
