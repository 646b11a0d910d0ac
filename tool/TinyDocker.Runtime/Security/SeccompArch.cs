using System.Runtime.InteropServices;

namespace TinyDocker.Runtime.Security;

/// <summary>The architectures the filter is built for; the value is the kernel's AUDIT_ARCH_* constant.</summary>
public enum SeccompArch : uint
{
    X86_64 = 0xc000003e,
    Aarch64 = 0xc00000b7,
}

public static class SeccompArchs
{
    /// <summary>The architecture of this process; others are refused (the filter would not match their numbers).</summary>
    public static SeccompArch Current => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => SeccompArch.X86_64,
        Architecture.Arm64 => SeccompArch.Aarch64,
        var other => throw new TinyDockerException($"no seccomp filter for architecture {other}: run with --security-opt seccomp=unconfined"),
    };
}
