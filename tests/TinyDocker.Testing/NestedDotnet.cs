using System.Diagnostics;
using System.Text;

namespace TinyDocker.Testing;

/// <summary>What one real `dotnet` command printed (each stream, and both interleaved) and returned.</summary>
public sealed record DotnetResult(int ExitCode, string Stdout, string Stderr, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n{Output}";
}

/// <summary>
/// Runs the real `dotnet` (pack, build, test) as a user would, from inside a test host: nothing of
/// the run that hosts us (MSBuild, VSTest or test-platform variables, the host path, tinydocker's own
/// variables) leaks into the nested one; the caller gives the environment it wants on top.
/// </summary>
public static class NestedDotnet
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(4);

    public static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string?> environment, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var key in psi.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
                || key is "DOTNET_HOST_PATH" or "TinyDockerShard" or "TINYDOCKER_PATH" or "TINYDOCKER_ROOT")
            {
                psi.Environment.Remove(key);
            }
        }
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }
        return psi;
    }

    /// <summary>Runs to completion, at most <paramref name="timeout"/>; then kills the whole tree (by pid) and throws.</summary>
    public static DotnetResult Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var started = Stopwatch.StartNew();
        using var p = Process.Start(StartInfo(workingDirectory, environment, args))!;
        p.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var both = new StringBuilder();
        void Collect(StringBuilder stream, string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (both)
            {
                stream.AppendLine(line);
                both.AppendLine(line);
            }
        }
        p.OutputDataReceived += (_, e) => Collect(stdout, e.Data);
        p.ErrorDataReceived += (_, e) => Collect(stderr, e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var limit = timeout ?? DefaultTimeout;
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in {limit}:\n{both}");
        }
        p.WaitForExit();
        lock (both)
        {
            return new DotnetResult(p.ExitCode, stdout.ToString(), stderr.ToString(), both.ToString(), started.Elapsed);
        }
    }
}
