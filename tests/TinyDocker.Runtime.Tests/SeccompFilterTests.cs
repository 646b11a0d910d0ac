using System.Diagnostics;
using TinyDocker.Runtime.Security;
using TinyDocker.Testing;
using static TinyDocker.Runtime.Security.BpfInstruction;

namespace TinyDocker.Runtime.Tests;

public sealed class SeccompFilterTests
{
    private const uint Allow = 0x7fff_0000, Kill = 0x8000_0000, Eperm = 0x0005_0001, Enosys = 0x0005_0026;

    private static readonly SeccompArch[] Archs = [SeccompArch.X86_64, SeccompArch.Aarch64];

    [Fact]
    public void The_program_checks_the_arch_then_x32_then_searches_the_number()
    {
        var program = SeccompFilter.Build(SeccompArch.X86_64, DefaultSeccompProfile.For(Capabilities.Default));

        Assert.Equal(
        [
            new(LoadWordAbsolute, 0, 0, 4),             // seccomp_data.arch
            new(JumpEqual, 1, 0, 0xc000003e),           // AUDIT_ARCH_X86_64: skip the kill
            new(Return, 0, 0, Kill),
            new(LoadWordAbsolute, 0, 0, 0),             // seccomp_data.nr
            new(JumpGreaterOrEqual, 0, 1, 0x4000_0000), // x32 ABI
            new(Return, 0, 0, Eperm),
        ], program.Take(6));
        Assert.Equal(JumpGreaterOrEqual, program[6].Code);
    }

    [Theory]
    [InlineData(SeccompArch.X86_64)]
    [InlineData(SeccompArch.Aarch64)]
    public void Every_call_in_the_table_is_decided_as_dockers_profile_decides(SeccompArch arch)
    {
        var program = SeccompFilter.Build(arch, DefaultSeccompProfile.For(Capabilities.Default));
        string[] withArgumentRules = ["clone", "clone3", "socket", "personality", "ioctl"];
        foreach (var call in SyscallTable.Names.Except(withArgumentRules))
        {
            if (SyscallTable.Number(call, arch) is not { } nr)
            {
                continue;
            }
            uint expected = DockerSeccomp.Refuses.Contains(call) || DockerSeccomp.AlsoRefusedHere.Contains(call) ? Eperm : Allow;
            Assert.True(expected == Run(program, nr, arch: (uint)arch), $"{call} ({nr}) on {arch}: expected {expected:x}");
        }
    }

    [Theory]
    [InlineData("clone", 0, 0x0001_1200UL, Allow)]          // fork/thread flags
    [InlineData("clone", 0, 0x1000_0000UL, Eperm)]          // CLONE_NEWUSER
    [InlineData("clone", 0, 0x0002_0000UL, Eperm)]          // CLONE_NEWNS
    [InlineData("clone", 0, 0x1_0000_0000UL, Allow)]        // upper half: clone reads the lower 32 bits only
    [InlineData("clone3", 0, 0UL, Enosys)]                  // libc falls back to clone
    [InlineData("personality", 0, 0xffffffffUL, Allow)]     // the query
    [InlineData("personality", 0, 0x20008UL, Allow)]
    [InlineData("personality", 0, 0x0040_0000UL, Eperm)]    // ADDR_NO_RANDOMIZE
    [InlineData("socket", 0, 2UL, Allow)]                   // AF_INET
    [InlineData("socket", 0, 38UL, Eperm)]                  // AF_ALG
    [InlineData("socket", 0, 39UL, Allow)]
    [InlineData("socket", 0, 40UL, Eperm)]                  // AF_VSOCK
    [InlineData("socket", 0, 41UL, Allow)]
    [InlineData("ioctl", 1, 0x5413UL, Allow)]               // TIOCGWINSZ
    [InlineData("ioctl", 1, 0x5412UL, Eperm)]               // TIOCSTI
    [InlineData("ioctl", 1, 0x541CUL, Eperm)]               // TIOCLINUX
    [InlineData("ioctl", 1, 0xffff_ffff_0000_5412UL, Eperm)] // the kernel reads cmd as unsigned int: still TIOCSTI
    [InlineData("ioctl", 0, 0x5412UL, Allow)]               // a descriptor numbered 0x5412 is not the request
    public void Argument_rules_look_at_the_lower_32_bits(string call, int arg, ulong value, uint expected)
    {
        foreach (var arch in Archs)
        {
            var program = SeccompFilter.Build(arch, DefaultSeccompProfile.For(Capabilities.Default));
            var args = new ulong[6];
            args[arg] = value;
            Assert.Equal(expected, Run(program, SyscallTable.Number(call, arch)!.Value, args, (uint)arch));
        }
    }

    [Theory]
    [InlineData("SYS_ADMIN", "mount")]
    [InlineData("SYS_ADMIN", "unshare")]
    [InlineData("SYS_ADMIN", "clone3")]
    [InlineData("SYS_PTRACE", "ptrace")]
    [InlineData("SYS_MODULE", "finit_module")]
    [InlineData("DAC_READ_SEARCH", "open_by_handle_at")]
    [InlineData("SYS_TIME", "clock_settime")]
    public void A_capability_allows_the_calls_docker_allows_with_it(string capability, string call)
    {
        var withIt = DefaultSeccompProfile.For([.. Capabilities.Default, capability]);
        var without = DefaultSeccompProfile.For(Capabilities.Default);
        foreach (var arch in Archs)
        {
            int nr = SyscallTable.Number(call, arch)!.Value;
            Assert.Equal(Allow, Run(SeccompFilter.Build(arch, withIt), nr, arch: (uint)arch));
            Assert.NotEqual(Allow, Run(SeccompFilter.Build(arch, without), nr, arch: (uint)arch));
        }
        var sysAdmin = SeccompFilter.Build(SeccompArch.X86_64, DefaultSeccompProfile.For(["SYS_ADMIN"]));
        Assert.Equal(Allow, Run(sysAdmin, 56, [0x1000_0000, 0, 0, 0, 0, 0], (uint)SeccompArch.X86_64)); // clone(CLONE_NEWUSER)
        Assert.Equal(Eperm, Run(sysAdmin, 16, [0, 0x5412, 0, 0, 0, 0], (uint)SeccompArch.X86_64));     // TIOCSTI whatever the caps
    }

    [Fact]
    public void Unnamed_numbers_get_EPERM_and_numbers_past_the_table_ENOSYS()
    {
        foreach (var arch in Archs)
        {
            var program = SeccompFilter.Build(arch, DefaultSeccompProfile.For(Capabilities.Default));
            int highest = SyscallTable.Highest(arch);
            Assert.Equal(466, highest);
            Assert.Equal(Enosys, Run(program, highest + 1, arch: (uint)arch));  // open_tree_attr, Linux 6.15
            Assert.Equal(Enosys, Run(program, 100_000, arch: (uint)arch));
            Assert.Equal(Allow, Run(program, SyscallTable.Number("removexattrat", arch)!.Value, arch: (uint)arch));
        }
        var x64 = SeccompFilter.Build(SeccompArch.X86_64, DefaultSeccompProfile.For(Capabilities.Default));
        Assert.Equal(Eperm, Run(x64, 387, arch: (uint)SeccompArch.X86_64)); // a hole in x86_64's numbering
    }

    [Fact]
    public void Another_architecture_is_killed_and_x32_calls_refused()
    {
        var program = SeccompFilter.Build(SeccompArch.X86_64, DefaultSeccompProfile.For(Capabilities.Default));

        Assert.Equal(Kill, Run(program, 0, arch: 0x4000_0003)); // i386
        Assert.Equal(Eperm, Run(program, 0x4000_0000 | 39, arch: (uint)SeccompArch.X86_64));
        Assert.Equal(Allow, Run(program, 39, arch: (uint)SeccompArch.X86_64)); // getpid
    }

    [Fact]
    public void The_program_is_short_a_call_takes_few_steps_and_building_it_is_cheap()
    {
        var profile = DefaultSeccompProfile.For(Capabilities.Default);
        foreach (var arch in Archs)
        {
            var program = SeccompFilter.Build(arch, profile);
            Assert.InRange(program.Count, 50, 600);
            int worst = Enumerable.Range(0, 470).Max(nr => Steps(program, nr, (uint)arch));
            Assert.InRange(worst, 1, 24);
        }
        SeccompFilter.Build(SeccompArch.X86_64, profile); // warm
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 100; i++)
        {
            SeccompFilter.Build(SeccompArch.X86_64, DefaultSeccompProfile.For(Capabilities.Default));
        }
        Assert.InRange(clock.Elapsed.TotalMilliseconds / 100, 0, 5);
    }

    [Theory]
    [InlineData(SeccompArch.X86_64)]
    [InlineData(SeccompArch.Aarch64)]
    public void The_embedded_default_program_is_what_the_builder_makes_of_the_profile(SeccompArch arch)
    {
        var built = SeccompFilter.Build(arch, DefaultSeccompProfile.For(Capabilities.Default));
        Assert.True(built.SequenceEqual(DefaultSeccompProgram.For(arch)),
            $"the profile changed: paste this into Security/DefaultSeccompProgram.Data.cs\n{DefaultSeccompProgram.Source(arch, built)}");
    }

    [Fact]
    public void Docker_s_default_set_in_any_order_gets_the_embedded_program_and_another_set_a_built_one()
    {
        var arch = SeccompArchs.Current;
        Assert.Equal(DefaultSeccompProgram.For(arch), SeccompFilter.ForCommand([.. Capabilities.Default.Reverse()]));
        Assert.Equal(SeccompFilter.Build(arch, DefaultSeccompProfile.For(["SYS_ADMIN"])), SeccompFilter.ForCommand(["SYS_ADMIN"]));
    }

    [Theory]
    [InlineData("read", 0, 63)]
    [InlineData("writev", 20, 66)]
    [InlineData("pivot_root", 155, 41)]
    [InlineData("setresuid", 117, 147)]
    [InlineData("gettid", 186, 178)]
    [InlineData("io_uring_setup", 425, 425)]
    [InlineData("removexattrat", 466, 466)]
    public void The_table_s_columns_line_up(string call, int x64, int arm64)
    {
        Assert.Equal(x64, SyscallTable.Number(call, SeccompArch.X86_64));
        Assert.Equal(arm64, SyscallTable.Number(call, SeccompArch.Aarch64));
        Assert.Null(SyscallTable.Number("open", SeccompArch.Aarch64));
        Assert.Equal(379, SyscallTable.Names.Count());
    }

    private static uint Run(IReadOnlyList<BpfInstruction> program, int nr, ulong[]? args = null, uint arch = (uint)SeccompArch.Aarch64)
        => Interpret(program, nr, args ?? new ulong[6], arch).Verdict;

    private static int Steps(IReadOnlyList<BpfInstruction> program, int nr, uint arch)
        => Interpret(program, nr, new ulong[6], arch).Steps;

    /// <summary>A tiny interpreter of the instructions the builder emits, over a seccomp_data.</summary>
    private static (uint Verdict, int Steps) Interpret(IReadOnlyList<BpfInstruction> program, int nr, ulong[] args, uint arch)
    {
        uint acc = 0;
        int steps = 0;
        for (int pc = 0; pc < program.Count; pc++)
        {
            var i = program[pc];
            steps++;
            switch (i.Code)
            {
                case LoadWordAbsolute:
                    acc = i.K switch
                    {
                        0 => (uint)nr,
                        4 => arch,
                        >= 16 and < 64 when i.K % 4 == 0 => (uint)(args[(i.K - 16) / 8] >> (int)((i.K - 16) % 8 * 8)),
                        _ => throw new InvalidOperationException($"load of offset {i.K}"),
                    };
                    break;
                case Return:
                    return (i.K, steps);
                case JumpAlways:
                    pc += (int)i.K;
                    break;
                case JumpEqual:
                    pc += acc == i.K ? i.JumpTrue : i.JumpFalse;
                    break;
                case JumpGreater:
                    pc += acc > i.K ? i.JumpTrue : i.JumpFalse;
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
