// Runs in: the container's init and exec's spawning thread (constant data), and the unit tests.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace TinyDocker.Runtime.Security;

/// <summary>
/// The filter for docker's default capabilities, compiled once, at development time: constant
/// data in the assembly, so a container's init copies about 170 instructions instead of building
/// them (building costs about 10 ms of CPU, mostly JIT, in each init). A unit test checks that each program is
/// exactly what <see cref="SeccompFilter.Build"/> makes of <see cref="DefaultSeccompProfile"/>
/// and, when the profile changes, prints the text to paste here.
/// </summary>
public static partial class DefaultSeccompProgram
{
    /// <summary>The embedded program for <paramref name="arch"/>.</summary>
    public static BpfInstruction[] For(SeccompArch arch)
        => MemoryMarshal.Cast<ulong, BpfInstruction>(arch == SeccompArch.X86_64 ? X64 : Arm64).ToArray();

    /// <summary>One instruction as the little-endian word struct sock_filter is: code, jt, jf, k.</summary>
    public static ulong Pack(BpfInstruction i) => i.Code | ((ulong)i.JumpTrue << 16) | ((ulong)i.JumpFalse << 24) | ((ulong)i.K << 32);

    /// <summary>The C# text of the property that holds <paramref name="program"/>, for this file.</summary>
    public static string Source(SeccompArch arch, IEnumerable<BpfInstruction> program)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"    private static ReadOnlySpan<ulong> {(arch == SeccompArch.X86_64 ? "X64" : "Arm64")} =>\n    [\n");
        foreach (var chunk in program.Select(Pack).Chunk(4))
        {
            sb.Append("        ").AppendJoin(" ", chunk.Select(w => string.Create(CultureInfo.InvariantCulture, $"0x{w:x16},"))).Append('\n');
        }
        return sb.Append("    ];\n").ToString();
    }
}
