// Runs in: any process (pure data); the init hands an array of these to seccomp(2).
using System.Runtime.InteropServices;

namespace TinyDocker.Runtime.Security;

/// <summary>One classic BPF instruction, laid out as the kernel's <c>struct sock_filter</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BpfInstruction(ushort Code, byte JumpTrue, byte JumpFalse, uint K)
{
    // Opcodes (linux/bpf_common.h): class | size | mode, class | op | source.
    public const ushort LoadWordAbsolute = 0x00 | 0x00 | 0x20;   // BPF_LD | BPF_W | BPF_ABS
    public const ushort JumpAlways = 0x05 | 0x00;                // BPF_JMP | BPF_JA (32-bit offset in K)
    public const ushort JumpEqual = 0x05 | 0x10 | 0x00;          // BPF_JMP | BPF_JEQ | BPF_K
    public const ushort JumpGreater = 0x05 | 0x20 | 0x00;        // BPF_JMP | BPF_JGT | BPF_K
    public const ushort JumpGreaterOrEqual = 0x05 | 0x30 | 0x00; // BPF_JMP | BPF_JGE | BPF_K
    public const ushort JumpBitsSet = 0x05 | 0x40 | 0x00;        // BPF_JMP | BPF_JSET | BPF_K
    public const ushort Return = 0x06 | 0x00;                    // BPF_RET | BPF_K

    public static BpfInstruction Load(uint offset) => new(LoadWordAbsolute, 0, 0, offset);

    public static BpfInstruction Ret(uint value) => new(Return, 0, 0, value);

    public static BpfInstruction Jump(ushort code, uint k, byte jumpTrue, byte jumpFalse) => new(code, jumpTrue, jumpFalse, k);

    public override string ToString() => $"{{0x{Code:x2}, {JumpTrue}, {JumpFalse}, 0x{K:x}}}";
}
