using System.Diagnostics;
using System.Text;
using TinyDocker.Testing;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>
/// Runs the real `dotnet` (pack, build, test) as a user would, with a clean environment: nothing
/// from the test host running us (MSBuild or VSTest variables) leaks into the nested run.
/// </summary>
internal static class Dotnet
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(4);

    public static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
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
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
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

    public static ToolResult Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var p = Process.Start(StartInfo(workingDirectory, environment, args))!;
        p.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(DefaultTimeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in {DefaultTimeout}:\n{stdout}\n{stderr}");
        }
        p.WaitForExit();
        return new ToolResult(p.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
