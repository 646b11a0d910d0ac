using System.Diagnostics;

namespace TinyDocker.Build.Tests;

/// <summary>What one real `dotnet` command printed and returned.</summary>
public sealed record DotnetResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n{Output}";
}

/// <summary>Runs the real dotnet CLI with an environment of its own (feed, package folder, state root).</summary>
internal static class DotnetRun
{
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?> environment, string workingDirectory, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // The test host runs under `dotnet test`, whose MSBuild variables must not leak into the
        // builds under test (they would point them at this run's MSBuild, or its test platform).
        foreach (var key in psi.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) || key == "DOTNET_HOST_PATH")
            {
                psi.Environment.Remove(key);
            }
        }
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }
        return psi;
    }

    /// <summary>Runs to completion, at most <paramref name="timeout"/>; then kills the whole tree (by pid) and throws.</summary>
    public static DotnetResult Run(IReadOnlyDictionary<string, string?> environment, string workingDirectory, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var started = Stopwatch.StartNew();
        using var p = Process.Start(StartInfo(environment, workingDirectory, args))!;
        var output = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        p.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(4)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in time:\n{output}");
        }
        p.WaitForExit();
        lock (output)
        {
            return new DotnetResult(p.ExitCode, output.ToString(), started.Elapsed);
        }
    }
}
