namespace TinyDocker.Runtime.State;

/// <summary>
/// What `ps` reports of one container. Status: "running"; "exited" (a detached container's kept
/// record, with its ExitCode, until `rm` or `prune`); "stale" (left by a killed run or supervisor).
/// Ports as docker's PORTS column (`127.0.0.1:49153->80/tcp`).
/// </summary>
public sealed record ContainerInfo(string Name, int Pid, string Image, string Command, DateTimeOffset Created, bool Running,
    string Status, int? ExitCode, bool Detached, string Ports = "")
{
    public const string RunningStatus = "running", ExitedStatus = "exited", StaleStatus = "stale";
}
