using TinyDocker.Runtime.Security;
using static TinyDocker.Runtime.Security.BpfInstruction;

namespace TinyDocker.Runtime.Tests;

public sealed class SeccompFilterTests
{
    private const uint Allow = 0x7fff_0000, Kill = 0x8000_0000, Eperm = 0x0005_0001;

    [Fact]
    public void A_small_deny_list_on_x86_64_checks_the_arch_then_x32_then_each_call()
    {
        var program = SeccompFilter.Build(SeccompArch.X86_64, [new DenyCall("mount", 1), new DenyCall("clone3", 38)]);

        Assert.Equal(
        [
            new(LoadWordAbsolute, 0, 0, 4),             // seccomp_data.arch
            new(JumpEqual, 1, 0, 0xc000003e),           // AUDIT_ARCH_X86_64: skip the kill
            new(Return, 0, 0, Kill),
            new(LoadWordAbsolute, 0, 0, 0),             // seccomp_data.nr
            new(JumpGreaterOrEqual, 0, 1, 0x4000_0000), // x32 ABI
            new(Return, 0, 0, Eperm),
            new(JumpEqual, 0, 1, 165),                  // mount
            new(Return, 0, 0, Eperm),
            new(JumpEqual, 0, 1, 435),                  // clone3
            new(Return, 0, 0, 0x0005_0026),             // ENOSYS
            new(Return, 0, 0, Allow),
        ], program);
    }

    [Fact]
    public void On_aarch64_the_numbers_are_arm64s_and_calls_it_lacks_are_left_out()
    {
        var program = SeccompFilter.Build(SeccompArch.Aarch64, [new DenyCall("iopl", 1), new DenyCall("mount", 1)]);

        Assert.Equal(
        [
            new(LoadWordAbsolute, 0, 0, 4),
            new(JumpEqual, 1, 0, 0xc00000b7),
            new(Return, 0, 0, Kill),
            new(LoadWordAbsolute, 0, 0, 0),
            new(JumpEqual, 0, 1, 40),
            new(Return, 0, 0, Eperm),
            new(Return, 0, 0, Allow),
        ], program);
    }

    [Fact]
    public void An_argument_rule_loads_the_low_word_of_the_argument_and_ends_in_returns()
    {
        var program = SeccompFilter.Build(SeccompArch.Aarch64, [new DenyWhenArgHasBits("clone", 0, 0x1000_0000, 1)]);

        Assert.Equal(
        [
            new(JumpEqual, 0, 4, 220),
            new(LoadWordAbsolute, 0, 0, 16),        // args[0], low 32 bits
            new(JumpBitsSet, 0, 1, 0x1000_0000),
            new(Return, 0, 0, Eperm),
            new(Return, 0, 0, Allow),
        ], program.Skip(4).Take(5));
    }

    [Fact]
    public void Allowed_values_jump_to_allow_and_anything_else_gets_the_errno()
    {
        var program = SeccompFilter.Build(SeccompArch.Aarch64, [new AllowOnlyArgValues("personality", 0, [0, 8], 1)]);

        Assert.Equal(
        [
            new(JumpEqual, 0, 5, 92),
            new(LoadWordAbsolute, 0, 0, 16),
            new(JumpEqual, 2, 0, 0),
            new(JumpEqual, 1, 0, 8),
            new(Return, 0, 0, Eperm),
            new(Return, 0, 0, Allow),
            new(Return, 0, 0, Allow),
        ], program.Skip(4));
        Assert.Equal(Allow, Run(program, nr: 92, arg0: 8));
        Assert.Equal(Eperm, Run(program, nr: 92, arg0: 0x0040_0000));
        Assert.Equal(Allow, Run(program, nr: 93, arg0: 0x0040_0000));
    }

    [Theory]
    [InlineData("mount", 0u, Eperm)]
    [InlineData("ptrace", 0u, Eperm)]
    [InlineData("open_by_handle_at", 0u, Eperm)]
    [InlineData("clone", 0x0001_1200u, Allow)]       // fork/thread flags
    [InlineData("clone", 0x1000_0000u, Eperm)]       // CLONE_NEWUSER
    [InlineData("clone", 0x0002_0000u, Eperm)]       // CLONE_NEWNS
    [InlineData("clone3", 0u, 0x0005_0026u)]         // ENOSYS: libc falls back to clone
    [InlineData("personality", 0xffffffffu, Allow)]  // the query
    [InlineData("personality", 0x0040_0000u, Eperm)] // ADDR_NO_RANDOMIZE
    public void The_default_policy_decides_as_docker(string call, uint arg0, uint expected)
    {
        foreach (var arch in new[] { SeccompArch.X86_64, SeccompArch.Aarch64 })
        {
            var program = SeccompFilter.Build(arch, DefaultSeccompPolicy.Rules);
            Assert.Equal(expected, Run(program, SyscallTable.Number(call, arch)!.Value, arg0, (uint)arch));
        }
    }

    [Fact]
    public void Another_architecture_is_killed_and_x32_calls_refused()
    {
        var program = SeccompFilter.Build(SeccompArch.X86_64, DefaultSeccompPolicy.Rules);

        Assert.Equal(Kill, Run(program, 0, 0, 0x4000_0003)); // i386
        Assert.Equal(Eperm, Run(program, 0x4000_0000 | 39, 0, (uint)SeccompArch.X86_64));
        Assert.Equal(Allow, Run(program, 39, 0, (uint)SeccompArch.X86_64)); // getpid
    }

    /// <summary>A tiny interpreter of the instructions the builder emits, over a seccomp_data.</summary>
    private static uint Run(IReadOnlyList<BpfInstruction> program, int nr, uint arg0, uint arch = (uint)SeccompArch.Aarch64)
    {
        uint acc = 0;
        for (int pc = 0; pc < program.Count; pc++)
        {
            var i = program[pc];
            switch (i.Code)
            {
                case LoadWordAbsolute:
                    acc = i.K switch { 0 => (uint)nr, 4 => arch, 16 => arg0, _ => 0 };
                    break;
                case Return:
                    return i.K;
                case JumpEqual:
                    pc += acc == i.K ? i.JumpTrue : i.JumpFalse;
                    break;
                case JumpGreaterOrEqual:
                    pc += acc >= i.K ? i.JumpTrue : i.JumpFalse;
                    break;
                case JumpBitsSet:
                    pc += (acc & i.K) != 0 ? i.JumpTrue : i.JumpFalse;
                    break;
                default:
                    throw new InvalidOperationException($"unexpected instruction {i}");
            }
        }
        throw new InvalidOperationException("the program fell off its end");
    }
}
