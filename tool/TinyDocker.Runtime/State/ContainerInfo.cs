namespace TinyDocker.Runtime.State;

/// <summary>What `ps` reports of one container; Ports as docker's PORTS column (`127.0.0.1:49153->80/tcp`).</summary>
public sealed record ContainerInfo(string Name, int Pid, string Image, string Command, DateTimeOffset Created, bool Running, string Ports = "");
