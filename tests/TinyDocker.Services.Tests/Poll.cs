using System.Diagnostics;

namespace TinyDocker.Services.Tests;

/// <summary>Waits on a condition (the CLI's view of a container), not for a fixed time.</summary>
internal static class Poll
{
    public static async Task Until(Func<bool> condition, int seconds = 30)
    {
        var elapsed = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(seconds), $"condition not met in {seconds} s");
            await Task.Delay(50);
        }
    }
}
