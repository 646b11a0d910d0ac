using TinyDocker.Client;

namespace TinyDocker.TestAdapter;

/// <summary>How long a service lives: one for the whole run, or a fresh one per case from a snapshot.</summary>
internal enum ServiceScope
{
    Run,
    Case,
}

/// <summary>
/// A `TinyContainerService` item as the cases file has it (runs in: the test host): values as
/// the project wrote them, the CLI's to check when the service starts.
/// </summary>
internal sealed record ServiceDecl(string Name, string? Image, string? Command, string? Ready, string? Timeout, string? User, string? Init, ServiceScope Scope)
{
    public IReadOnlyList<string> Environment { get; init; } = [];
    public IReadOnlyList<string> Volumes { get; init; } = [];
    public IReadOnlyList<string> Ports { get; init; } = [];

    /// <summary>The definition of one container of this service, named <paramref name="container"/>, on <paramref name="image"/> (a snapshot) or its own image.</summary>
    public ServiceDefinition ToDefinition(string container, string? image = null) => new()
    {
        Name = container,
        Image = image ?? Image,
        Command = Command is { } c ? ["/bin/sh", "-c", c] : [],
        Environment = Environment,
        Volumes = Volumes,
        // A bad entry is the CLI's to refuse: passed on as written.
        Ports = [.. Ports.Select(p => ServiceText.ParsePort(p) ?? new ServicePort(0))],
        Ready = Ready is { } r ? [r] : [],
        ReadyTimeout = Timeout is { } t && ServiceText.TryParseDuration(t, out var d) ? d : ServiceText.DefaultReadyTimeout,
        User = User,
    };

    public bool Equals(ServiceDecl? other)
        => other is not null && (Name, Image, Command, Ready, Timeout, User, Init, Scope) == (other.Name, other.Image, other.Command, other.Ready, other.Timeout, other.User, other.Init, other.Scope)
            && Environment.SequenceEqual(other.Environment) && Volumes.SequenceEqual(other.Volumes) && Ports.SequenceEqual(other.Ports);

    public override int GetHashCode() => HashCode.Combine(Name, Image, Command);
}
