using TinyDocker.Runtime.Security;

namespace TinyDocker.Security.Tests;

/// <summary>
/// A python3 prelude for the system calls busybox cannot make: <c>call("keyctl", ...)</c> makes
/// the raw call by this architecture's number and prints <c>NAME rc=R errno=E</c>.
/// </summary>
internal static class PythonProgram
{
    public static string Prelude
    {
        get
        {
            var arch = SeccompArchs.Current;
            string table = string.Join(", ", new[] { "keyctl", "open_by_handle_at", "init_module", "ptrace", "setns" }
                .Select(n => $"'{n}': {SyscallTable.Number(n, arch)}"));
            return $$"""
                import ctypes, os, sys, subprocess, time
                libc = ctypes.CDLL(None, use_errno=True)
                libc.syscall.restype = ctypes.c_long
                NR = { {{table}}, 'name_to_handle_at': {{(arch == SeccompArch.X86_64 ? 303 : 264)}} }
                def call(name, *args):
                    ctypes.set_errno(0)
                    rc = libc.syscall(NR[name], *args)
                    err = ctypes.get_errno() if rc < 0 else 0
                    print('%s rc=%d errno=%d' % (name, rc, err), flush=True)
                    return rc, err

                """;
        }
    }

    /// <summary>The errno a line <c>NAME rc=R errno=E</c> of the output reports for <paramref name="name"/>.</summary>
    public static int Errno(string output, string name)
    {
        string line = output.Split('\n').LastOrDefault(l => l.StartsWith(name + " rc=", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no result for {name} in:\n{output}");
        return int.Parse(line[(line.IndexOf("errno=", StringComparison.Ordinal) + 6)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
