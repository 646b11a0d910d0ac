// Runs in: nothing at run time; the kernel's and C library's structures both programs without a
// runtime pass to capget, capset and the signal-mask calls.
#pragma warning disable CS0169, IDE0051
namespace RuntimeFree;

internal struct CapabilityHeader
{
    public uint Version;
    public int Pid;
}

internal struct CapabilitySet
{
    public uint Effective, Permitted, Inheritable;
}

/// <summary>The two 32-bit halves of each set, as capget and capset take them.</summary>
internal struct CapabilitySets
{
    public CapabilitySet Low, High;
}

/// <summary>The C library's sigset_t: 1024 bits in glibc and musl alike, of which the kernel reads the first 64.</summary>
internal struct SignalSet
{
    private ulong _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15;
}
