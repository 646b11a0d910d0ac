// Runs in: any process (pure data). What the filter does with one system call.
namespace TinyDocker.Runtime.Security;

/// <summary>A seccomp return value: allow, or fail with an errno.</summary>
public readonly record struct SeccompVerdict(uint Value)
{
    public const uint RetKillProcess = 0x8000_0000, RetErrno = 0x0005_0000, RetAllow = 0x7fff_0000;

    public static SeccompVerdict Allow { get; } = new(RetAllow);

    public static SeccompVerdict Errno(int errno) => new(RetErrno | (uint)errno);

    public override string ToString() => Value == RetAllow ? "allow" : $"errno {Value & 0xffff}";
}

/// <summary>What the filter does with one system call: a verdict, or a look at one argument first.</summary>
public abstract record SyscallAction;

/// <summary>The call gets <c>Verdict</c> whatever its arguments.</summary>
public sealed record Always(SeccompVerdict Verdict) : SyscallAction;

/// <summary>
/// The cases are tried in order on the lower 32 bits of argument <c>Arg</c>; the first that matches
/// gives the verdict, <c>Otherwise</c> when none does. The lower 32 bits are exactly what the kernel
/// reads for the arguments these rules look at (int, unsigned int, and clone's flags, whose upper
/// half clone ignores), so a value with stray upper bits cannot slip past.
/// </summary>
public sealed record ArgumentRule(int Arg, IReadOnlyList<ArgCase> Cases, SeccompVerdict Otherwise) : SyscallAction;

public enum ArgTest
{
    Equal,
    Less,
    Greater,
    /// <summary>None of the bits of the value are set.</summary>
    NoBitsOf,
}

public sealed record ArgCase(ArgTest Test, uint Value, SeccompVerdict Verdict);
