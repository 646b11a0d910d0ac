namespace TinyDocker.Runtime.State;

/// <summary>
/// What `ps` reports of one container. Status: "running"; "exited" (a detached container's kept
/// record, with its ExitCode, until `rm` or `prune`); "stale" (left by a killed run or supervisor).
/// </summary>
public sealed record ContainerInfo(string Name, int Pid, string Image, string Command, DateTimeOffset Created, bool Running,
    string Status, int? ExitCode, bool Detached)
{
    public const string RunningStatus = "running", ExitedStatus = "exited", StaleStatus = "stale";
}
