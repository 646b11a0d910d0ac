// Runs in: the host tool (the supervisor's report reader). The init's side: tool/TinyDocker.Init/Report.cs.
using System.Globalization;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Init;

/// <summary>
/// The runtime-free init's failure reports, worded as the .NET init words the same failures (it
/// has neither the errno names nor glibc's messages): "failed ERRNO OP PATH WHAT" (OP: the mount
/// plan's index or -1; PATH: hexadecimal bytes or "-"; WHAT: the operation, to the line's end),
/// "notfound" (the command is nowhere in PATH) and "noexec ERRNO" (its exec failed).
/// </summary>
internal static class NativeInitFailure
{
    public const string Failed = "failed", NotFound = "notfound", NoExec = "noexec";

    /// <summary>The message for a failure line; null for any other line.</summary>
    public static string? Describe(string line, ContainerSpec spec, IReadOnlyList<MountOp>? plan)
    {
        var parts = line.Split(' ', 5);
        if (parts is [NotFound])
        {
            return CommandLookup.NotFound(spec.Command[0]).Message;
        }
        if (parts is [NoExec, var execErrno] && int.TryParse(execErrno, NumberStyles.None, CultureInfo.InvariantCulture, out int errno))
        {
            return CommandLookup.CannotExecute(spec.Command[0], errno).Message;
        }
        if (parts is not [Failed, var errnoText, var opText, var pathHex, var what]
            || !int.TryParse(errnoText, NumberStyles.None, CultureInfo.InvariantCulture, out errno)
            || !int.TryParse(opText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int op))
        {
            return null;
        }
        string? path = pathHex == "-" ? null : System.Text.Encoding.UTF8.GetString(Convert.FromHexString(pathHex));
        if (plan is not null && op >= 0 && op < plan.Count && plan[op] is MountFs { FsType: "overlay" }
            && Rootless.OverlaySupport.Refusal(File.ReadAllText("/proc/sys/kernel/osrelease"), errno, spec.Rootless) is { } refusal)
        {
            return refusal;
        }
        return new SyscallException(what, path, errno).Message;
    }
}
