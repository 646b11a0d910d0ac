using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Tests;

/// <summary>Values at and past the edges of what the kernel and .NET take: refused with a message, never a crash.</summary>
public sealed class HostileValueTests
{
    [Theory]
    [InlineData("99999999h")]
    [InlineData("597h")]
    [InlineData("2147483648ms")]
    [InlineData("1" + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000h")]
    [InlineData("\u0665s")] // an Arabic-Indic five: \d would take it, double.Parse would not
    public void Durations_past_what_a_timer_can_wait_or_not_ascii_are_refused(string text)
    {
        var e = Assert.Throws<TinyDockerException>(() => Durations.Parse(text, "timeout"));
        Assert.Equal(ExitCodes.TinyDockerError, e.ExitCode);
    }

    [Fact]
    public void The_longest_duration_is_taken() => Assert.Equal(Durations.Max, Durations.Parse("596h", "timeout"));

    [Theory]
    [InlineData("99999999999t")]
    [InlineData("8388608t")]
    [InlineData("9223372036854775808")]
    [InlineData("1" + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("\u0665m")]
    public void Sizes_past_64_bits_are_refused(string text)
        => Assert.Contains("memory limit", Assert.Throws<TinyDockerException>(() => Sizes.Parse(text, "memory limit")).Message, StringComparison.Ordinal);

    [Fact]
    public void The_largest_size_is_taken() => Assert.Equal(8388607L << 40, Sizes.Parse("8388607t", "memory limit"));

    [Theory]
    [InlineData("4294967295")]
    [InlineData("0:4294967295")]
    [InlineData("4294967295:0")]
    public void The_id_that_means_unchanged_is_refused(string user)
        => Assert.Contains("4294967295", Assert.Throws<TinyDockerException>(() => UserLookup.Resolve(user, ["/nonexistent"])).Message, StringComparison.Ordinal);

    [Fact]
    public void The_highest_real_id_is_taken() => Assert.Equal(new UserIds(4294967294, 4294967294), UserLookup.Resolve("4294967294:4294967294", ["/nonexistent"]));

    [Fact]
    public void A_spec_built_elsewhere_with_the_unchanged_id_is_refused()
        => Assert.Contains(SpecValidator.Problems(SpecValidatorTests.Valid() with { User = new UserIds(uint.MaxValue, 0) }),
            p => p.Contains("4294967295", StringComparison.Ordinal));

    [Theory]
    [InlineData("c1\n")]
    [InlineData("c1\r")]
    [InlineData("c1\n\n")]
    public void Names_and_hostnames_with_a_trailing_newline_are_refused(string value)
    {
        Assert.NotEmpty(SpecValidator.Problems(SpecValidatorTests.Valid(value)));
        Assert.NotEmpty(SpecValidator.Problems(SpecValidatorTests.Valid() with { Hostname = value }));
        Assert.False(SpecValidator.IsValidName(value));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Cpus_that_are_no_number_are_refused(double cpus)
        => Assert.Contains(SpecValidator.Problems(SpecValidatorTests.Valid() with { Limits = new ResourceLimits { Cpus = cpus } }),
            p => p.Contains("--cpus", StringComparison.Ordinal));

    [Theory]
    [InlineData("size=99999999999t")]
    [InlineData("size=0")]
    [InlineData("nr_inodes=99999999999999999999999")]
    [InlineData("mode=99999")]
    [InlineData("mode=8")]
    public void Tmpfs_sizes_and_modes_the_kernel_would_wrap_are_refused(string options)
        => Assert.Contains(SpecValidator.Problems(SpecValidatorTests.Valid() with { Tmpfs = [new TmpfsMount("/t", options)] }),
            p => p.Contains("tmpfs", StringComparison.Ordinal));

    [Fact]
    public void Good_tmpfs_options_are_taken()
        => Assert.Empty(SpecValidator.Problems(SpecValidatorTests.Valid() with { Tmpfs = [new TmpfsMount("/t", "size=64m,mode=1777,nr_inodes=10k")] }));

    [Theory]
    [InlineData(1000.0)]
    [InlineData(-1.0)]
    public void Timeouts_out_of_range_in_a_spec_are_refused(double hours)
        => Assert.NotEmpty(SpecValidator.Problems(SpecValidatorTests.Valid() with { Timeout = TimeSpan.FromHours(hours), StopTimeout = TimeSpan.FromHours(hours) }));

    [Fact]
    public void Control_characters_in_a_message_become_escapes_on_one_line()
    {
        Assert.Equal("bad `a\\nb\\x1b[31m\\x00`", LastChance.OneLine("bad `a\nb\u001b[31m\0`"));
        Assert.Equal("plain", LastChance.OneLine("plain"));
        Assert.Equal("internal error: InvalidOperationException: x\\ny", LastChance.Describe(new InvalidOperationException("x\ny")));
    }
}
