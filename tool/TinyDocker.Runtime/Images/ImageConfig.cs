namespace TinyDocker.Runtime.Images;

/// <summary>The part of an image's config that `run` takes its defaults from (OCI image config, <c>config</c> object).</summary>
public sealed record ImageConfig
{
    public static readonly ImageConfig Empty = new();

    public string[] Env { get; init; } = [];
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public string[]? Entrypoint { get; init; }
    public string[]? Cmd { get; init; }
}
