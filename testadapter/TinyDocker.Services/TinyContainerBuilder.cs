using TinyDocker.Client;

namespace TinyDocker.Services;

/// <summary>
/// Describes a service container, Testcontainers-style: image, command, environment, ports and
/// readiness; <see cref="Build"/> gives a <see cref="TinyContainer"/> to start. Values are checked
/// by the CLI when it starts (bad input: a <see cref="TinyContainerStartException"/> with exit 125).
/// </summary>
public sealed class TinyContainerBuilder
{
    private string? _name;
    private string? _image;
    private string[] _command = [];
    private readonly List<string> _environment = [];
    private readonly List<string> _volumes = [];
    private readonly List<string> _tmpfs = [];
    private readonly List<ServicePort> _ports = [];
    private readonly List<string> _ready = [];
    private TimeSpan _startupTimeout = TimeSpan.FromSeconds(60);
    private TinyContainer? _networkOf;
    private string? _user;
    private string? _workingDirectory;
    private string? _memory;
    private string? _tool;
    private readonly Dictionary<string, string> _toolEnvironment = new(StringComparer.Ordinal);

    /// <summary>The container's name (default: `tc-` and a random suffix).</summary>
    public TinyContainerBuilder WithName(string name) => Set(() => _name = name);

    /// <summary>A stored image (`name:tag`), an image archive, or a root filesystem directory.</summary>
    public TinyContainerBuilder WithImage(string image) => Set(() => _image = image);

    /// <summary>The command and its arguments, passed as a list (no shell).</summary>
    public TinyContainerBuilder WithCommand(params string[] command) => Set(() => _command = [.. command]);

    /// <summary>An environment variable of the container's command.</summary>
    public TinyContainerBuilder WithEnvironment(string key, string value) => Set(() => _environment.Add($"{key}={value}"));

    /// <summary>A host directory or file at <paramref name="containerPath"/> (`-v HOST:CONTAINER[:ro]`).</summary>
    public TinyContainerBuilder WithBindMount(string hostPath, string containerPath, bool readOnly = false)
        => Set(() => _volumes.Add($"{hostPath}:{containerPath}{(readOnly ? ":ro" : "")}"));

    /// <summary>An empty tmpfs at <paramref name="containerPath"/>.</summary>
    public TinyContainerBuilder WithTmpfs(string containerPath) => Set(() => _tmpfs.Add(containerPath));

    /// <summary>Publishes the container's loopback port on the host's 127.0.0.1; host port 0 picks a free one (<see cref="TinyContainer.GetMappedPort"/>).</summary>
    public TinyContainerBuilder WithPortBinding(int containerPort, int hostPort = 0) => Set(() => _ports.Add(new ServicePort(containerPort, hostPort)));

    /// <summary>A readiness check as `wait --for` takes it: `tcp:PORT`, `cmd:COMMAND` or `log:REGEX`; all must pass.</summary>
    public TinyContainerBuilder WithReadiness(string check) => Set(() => _ready.Add(check));

    /// <summary>Ready once a line of its stdout or stderr matches <paramref name="regex"/>.</summary>
    public TinyContainerBuilder WithWaitForLog(string regex) => WithReadiness("log:" + regex);

    /// <summary>Ready once `/bin/sh -c COMMAND` in the container exits 0.</summary>
    public TinyContainerBuilder WithWaitForCommand(string command) => WithReadiness("cmd:" + command);

    /// <summary>How long the readiness checks may take (default 60 s); then the start fails with 124.</summary>
    public TinyContainerBuilder WithStartupTimeout(TimeSpan timeout) => Set(() => _startupTimeout = timeout);

    /// <summary>Joins <paramref name="other"/>'s network namespace (`--network container:`): 127.0.0.1 reaches its servers. Start it first.</summary>
    public TinyContainerBuilder WithNetworkOf(TinyContainer other) => Set(() => _networkOf = other);

    /// <summary>UID[:GID] or NAME[:GROUP] inside the image, e.g. `postgres`.</summary>
    public TinyContainerBuilder WithUser(string user) => Set(() => _user = user);

    /// <summary>The command's working directory inside the container.</summary>
    public TinyContainerBuilder WithWorkingDirectory(string directory) => Set(() => _workingDirectory = directory);

    /// <summary>A memory limit such as `512m`.</summary>
    public TinyContainerBuilder WithMemoryLimit(string memory) => Set(() => _memory = memory);

    /// <summary>The tinydocker CLI to run (an executable, or a `dotnet-tinydocker.dll`); default: TINYDOCKER_PATH, else the package's.</summary>
    public TinyContainerBuilder WithTool(string path) => Set(() => _tool = path);

    /// <summary>An environment variable of the CLI itself (e.g. TINYDOCKER_ROOT, TINYDOCKER_DATA), not of the container.</summary>
    public TinyContainerBuilder WithToolEnvironment(string key, string value) => Set(() => _toolEnvironment[key] = value);

    /// <summary>The container, not yet started; the CLI to run it is located here.</summary>
    public TinyContainer Build()
    {
        if (_command.Length == 0)
        {
            throw new InvalidOperationException("WithCommand: a service container needs a command");
        }
        var definition = new ServiceDefinition
        {
            Name = _name ?? $"tc-{Guid.NewGuid():N}"[..15],
            Image = _image,
            Command = _command,
            Environment = [.. _environment],
            Volumes = [.. _volumes],
            Tmpfs = [.. _tmpfs],
            Ports = [.. _ports],
            Ready = [.. _ready],
            ReadyTimeout = _startupTimeout,
            NetworkOf = _networkOf?.Name,
            User = _user,
            WorkingDirectory = _workingDirectory,
            Memory = _memory,
        };
        var launcher = new ServiceLauncher(ToolPath.Resolve(_tool), new Dictionary<string, string>(_toolEnvironment, StringComparer.Ordinal));
        return new TinyContainer(definition, launcher);
    }

    private TinyContainerBuilder Set(Action set)
    {
        set();
        return this;
    }
}
