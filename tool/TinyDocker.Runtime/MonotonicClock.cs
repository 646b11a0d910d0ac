using System.Diagnostics;

namespace TinyDocker.Runtime;

/// <summary>
/// Now on CLOCK_MONOTONIC, for every timeout and duration. The wall clock can be stepped while a
/// container runs (NTP, a virtual machine's clock set after a pause), and a deadline on it fires
/// early or late by the step.
/// </summary>
internal static class MonotonicClock
{
    public static TimeSpan Now => Stopwatch.GetElapsedTime(0);
}
