namespace TinyDocker.Runtime.Security;

/// <summary>One rule of a seccomp policy, for a system call named in <see cref="SyscallTable"/>.</summary>
public abstract record SeccompRule(string Syscall, int Errno);

/// <summary>The call always fails with <c>Errno</c>.</summary>
public sealed record DenyCall(string Syscall, int Errno) : SeccompRule(Syscall, Errno);

/// <summary>The call fails with <c>Errno</c> when argument <c>Arg</c> has any of the bits of <c>Mask</c> (lower 32 bits).</summary>
public sealed record DenyWhenArgHasBits(string Syscall, int Arg, uint Mask, int Errno) : SeccompRule(Syscall, Errno);

/// <summary>The call is allowed only when argument <c>Arg</c> (lower 32 bits) is one of <c>Allowed</c>; otherwise <c>Errno</c>.</summary>
public sealed record AllowOnlyArgValues(string Syscall, int Arg, uint[] Allowed, int Errno) : SeccompRule(Syscall, Errno);
