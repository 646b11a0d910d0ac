// Runs in: the container's init (PID 1) and exec's spawning thread, before the command starts. Pure.
namespace TinyDocker.Runtime.Security;

/// <summary>
/// Compiles a profile (<see cref="DefaultSeccompProfile.For"/>) into a seccomp program: classic BPF
/// over <c>struct seccomp_data</c>. The architecture is checked first (any other kills the process,
/// since its call numbers mean other calls), then on x86_64 the x32 ABI is refused; then the call
/// number goes down a binary search over runs of numbers that get the same action, so a call costs
/// about nine comparisons, not one per listed call. Numbers the profile does not name get EPERM, numbers
/// above <see cref="SyscallTable.Highest"/> ENOSYS.
/// </summary>
public static class SeccompFilter
{
    // struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6] (little-endian).
    public const uint NrOffset = 0, ArchOffset = 4, ArgsOffset = 16;
    private const uint X32SyscallBit = 0x4000_0000;
    private const int MaxInstructions = 4096; // BPF_MAXINSNS

    /// <summary>
    /// The program for a command holding <paramref name="capabilities"/>: for docker's default set
    /// the one compiled at development time (<see cref="DefaultSeccompProgram"/>), else built here.
    /// </summary>
    public static BpfInstruction[] ForCommand(IReadOnlyCollection<string> capabilities)
        => capabilities.Count == Capabilities.Default.Length && Capabilities.Default.All(capabilities.Contains)
            ? DefaultSeccompProgram.For(SeccompArchs.Current)
            : Build(SeccompArchs.Current, DefaultSeccompProfile.For(capabilities)).ToArray();

    public static IReadOnlyList<BpfInstruction> Build(SeccompArch arch, IReadOnlyDictionary<string, SyscallAction> actions)
    {
        var p = new List<BpfInstruction>
        {
            BpfInstruction.Load(ArchOffset),
            BpfInstruction.Jump(BpfInstruction.JumpEqual, (uint)arch, 1, 0),
            BpfInstruction.Ret(SeccompVerdict.RetKillProcess),
            BpfInstruction.Load(NrOffset),
        };
        if (arch == SeccompArch.X86_64)
        {
            // x32 calls carry AUDIT_ARCH_X86_64 too, with bit 30 set in their numbers: they would slip past the rules.
            p.Add(BpfInstruction.Jump(BpfInstruction.JumpGreaterOrEqual, X32SyscallBit, 0, 1));
            p.Add(BpfInstruction.Ret(SeccompVerdict.Errno(DefaultSeccompProfile.EPERM).Value));
        }
        var (starts, runActions) = Runs(arch, actions);
        p.AddRange(Search(starts, runActions, 0, starts.Count - 1));
        return p.Count <= MaxInstructions ? p : throw new InvalidOperationException("seccomp program longer than BPF_MAXINSNS");
    }

    /// <summary>Call numbers from 0 up, cut where the action changes: each run's first number and action.</summary>
    private static (List<uint> Starts, List<SyscallAction> Actions) Runs(SeccompArch arch, IReadOnlyDictionary<string, SyscallAction> actions)
    {
        int highest = SyscallTable.Highest(arch);
        var refused = new Always(SeccompVerdict.Errno(DefaultSeccompProfile.EPERM));
        var byNumber = new SyscallAction[highest + 1];
        Array.Fill(byNumber, refused);
        foreach (var (name, action) in actions)
        {
            if (SyscallTable.Number(name, arch) is { } nr)
            {
                byNumber[nr] = action;
            }
        }
        var starts = new List<uint>();
        var runActions = new List<SyscallAction>();
        for (int nr = 0; nr <= highest; nr++)
        {
            // Neighbouring calls with the same plain verdict merge; argument rules never do.
            if (runActions.Count == 0 || !SameVerdict(runActions[^1], byNumber[nr]))
            {
                starts.Add((uint)nr);
                runActions.Add(byNumber[nr]);
            }
        }
        starts.Add((uint)highest + 1);
        runActions.Add(new Always(SeccompVerdict.Errno(DefaultSeccompProfile.ENOSYS)));
        return (starts, runActions);
    }

    private static bool SameVerdict(SyscallAction a, SyscallAction b)
        => a is Always x && b is Always y && x.Verdict.Value == y.Verdict.Value;

    /// <summary>Code that ends in a return for every number in runs lo..hi; the accumulator holds the number.</summary>
    private static List<BpfInstruction> Search(List<uint> starts, List<SyscallAction> actions, int lo, int hi)
    {
        if (lo == hi)
        {
            return Leaf(actions[lo]);
        }
        int mid = (lo + hi + 1) / 2;
        var right = Search(starts, actions, mid, hi);
        var left = Search(starts, actions, lo, mid - 1);
        var code = new List<BpfInstruction>(right.Count + left.Count + 2);
        if (right.Count <= byte.MaxValue)
        {
            code.Add(BpfInstruction.Jump(BpfInstruction.JumpGreaterOrEqual, starts[mid], 0, (byte)right.Count));
        }
        else
        {
            // A conditional jump reaches 255 instructions at most: hop over the right half with a long jump.
            code.Add(BpfInstruction.Jump(BpfInstruction.JumpGreaterOrEqual, starts[mid], 1, 0));
            code.Add(new BpfInstruction(BpfInstruction.JumpAlways, 0, 0, (uint)right.Count));
        }
        code.AddRange(right);
        code.AddRange(left);
        return code;
    }

    private static List<BpfInstruction> Leaf(SyscallAction action)
    {
        switch (action)
        {
            case Always a:
                return [BpfInstruction.Ret(a.Verdict.Value)];
            case ArgumentRule r:
                var code = new List<BpfInstruction> { BpfInstruction.Load(ArgOffset(r.Arg)) };
                foreach (var c in r.Cases)
                {
                    // Each case falls through to its return when it matches and hops over it when not.
                    code.Add(c.Test switch
                    {
                        ArgTest.Equal => BpfInstruction.Jump(BpfInstruction.JumpEqual, c.Value, 0, 1),
                        ArgTest.Greater => BpfInstruction.Jump(BpfInstruction.JumpGreater, c.Value, 0, 1),
                        ArgTest.Less => BpfInstruction.Jump(BpfInstruction.JumpGreaterOrEqual, c.Value, 1, 0),
                        ArgTest.NoBitsOf => BpfInstruction.Jump(BpfInstruction.JumpBitsSet, c.Value, 1, 0),
                        _ => throw new ArgumentOutOfRangeException(nameof(action), c.Test, "unknown argument test"),
                    });
                    code.Add(BpfInstruction.Ret(c.Verdict.Value));
                }
                code.Add(BpfInstruction.Ret(r.Otherwise.Value));
                return code;
            default:
                throw new ArgumentException($"unknown seccomp action {action}", nameof(action));
        }
    }

    /// <summary>The lower 32 bits of argument <paramref name="arg"/> (both architectures are little-endian).</summary>
    private static uint ArgOffset(int arg)
        => arg is >= 0 and < 6 ? ArgsOffset + (uint)(8 * arg) : throw new ArgumentOutOfRangeException(nameof(arg));
}
