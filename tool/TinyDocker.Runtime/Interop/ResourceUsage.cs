namespace TinyDocker.Runtime.Interop;

/// <summary>What wait4 reports of a finished process and the children it waited for.</summary>
public readonly record struct ResourceUsage(TimeSpan User, TimeSpan System, long MaxResidentBytes);
