namespace TinyDocker.Runtime.State;

/// <summary>What `ps` reports of one container.</summary>
public sealed record ContainerInfo(string Name, int Pid, string Image, string Command, DateTimeOffset Created, bool Running);
