namespace TinyDocker.Runtime.Security;

/// <summary>
/// Builds a seccomp program (classic BPF over <c>struct seccomp_data</c>) from a list of rules.
/// Pure: the init loads the instructions it returns; unit tests compare them.
/// Layout: the architecture is checked first (any other kills the process, since its call
/// numbers mean other calls), then on x86_64 the x32 ABI is refused, then each rule as a
/// self-contained block, then allow.
/// </summary>
public static class SeccompFilter
{
    // struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6] (little-endian).
    public const uint NrOffset = 0, ArchOffset = 4, ArgsOffset = 16;
    public const uint RetKillProcess = 0x8000_0000, RetErrno = 0x0005_0000, RetAllow = 0x7fff_0000;
    private const uint X32SyscallBit = 0x4000_0000;
    private const int EPERM = 1;

    public static IReadOnlyList<BpfInstruction> Build(SeccompArch arch, IEnumerable<SeccompRule> rules)
    {
        var p = new List<BpfInstruction>
        {
            BpfInstruction.Load(ArchOffset),
            BpfInstruction.Jump(BpfInstruction.JumpEqual, (uint)arch, 1, 0),
            BpfInstruction.Ret(RetKillProcess),
            BpfInstruction.Load(NrOffset),
        };
        if (arch == SeccompArch.X86_64)
        {
            // x32 calls carry AUDIT_ARCH_X86_64 too, with bit 30 set in their numbers: they would slip past the rules.
            p.Add(BpfInstruction.Jump(BpfInstruction.JumpGreaterOrEqual, X32SyscallBit, 0, 1));
            p.Add(BpfInstruction.Ret(RetErrno | EPERM));
        }
        foreach (var rule in rules)
        {
            if (SyscallTable.Number(rule.Syscall, arch) is not { } nr)
            {
                continue; // the call does not exist on this architecture
            }
            uint errno = RetErrno | (uint)rule.Errno;
            switch (rule)
            {
                case DenyCall:
                    p.Add(BpfInstruction.Jump(BpfInstruction.JumpEqual, (uint)nr, 0, 1));
                    p.Add(BpfInstruction.Ret(errno));
                    break;
                case DenyWhenArgHasBits r:
                    // The accumulator is overwritten by the argument: the block ends in returns.
                    p.Add(BpfInstruction.Jump(BpfInstruction.JumpEqual, (uint)nr, 0, 4));
                    p.Add(BpfInstruction.Load(ArgOffset(r.Arg)));
                    p.Add(BpfInstruction.Jump(BpfInstruction.JumpBitsSet, r.Mask, 0, 1));
                    p.Add(BpfInstruction.Ret(errno));
                    p.Add(BpfInstruction.Ret(RetAllow));
                    break;
                case AllowOnlyArgValues r:
                    int n = r.Allowed.Length;
                    if (n > 250)
                    {
                        throw new ArgumentException("too many allowed values for one BPF block", nameof(rules));
                    }
                    p.Add(BpfInstruction.Jump(BpfInstruction.JumpEqual, (uint)nr, 0, (byte)(n + 3)));
                    p.Add(BpfInstruction.Load(ArgOffset(r.Arg)));
                    for (int i = 0; i < n; i++)
                    {
                        p.Add(BpfInstruction.Jump(BpfInstruction.JumpEqual, r.Allowed[i], (byte)(n - i), 0));
                    }
                    p.Add(BpfInstruction.Ret(errno));
                    p.Add(BpfInstruction.Ret(RetAllow));
                    break;
                default:
                    throw new ArgumentException($"unknown seccomp rule {rule}", nameof(rules));
            }
        }
        p.Add(BpfInstruction.Ret(RetAllow));
        if (p.Count > 4096)
        {
            throw new InvalidOperationException("seccomp program longer than BPF_MAXINSNS");
        }
        return p;
    }

    /// <summary>The lower 32 bits of argument <paramref name="arg"/> (both architectures are little-endian).</summary>
    private static uint ArgOffset(int arg)
        => arg is >= 0 and < 6 ? ArgsOffset + (uint)(8 * arg) : throw new ArgumentOutOfRangeException(nameof(arg));
}
