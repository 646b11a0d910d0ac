using System.Text;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Spec;
using TinyDocker.Runtime.State;

namespace TinyDocker.Runtime.Tests;

/// <summary>Detached containers without a container: the spec's checks, readiness checks, the log format and its rotation.</summary>
public sealed class ServiceSpecTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinydocker-log-").FullName;

    [Theory]
    [InlineData("container:db", true)]
    [InlineData("container:c1", false)] // itself
    [InlineData("container:../x", false)]
    [InlineData("container:", false)]
    [InlineData("container:a\nb", false)]
    [InlineData("bridge", false)]
    public void Network_container_takes_another_valid_name(string network, bool valid)
        => Assert.Equal(valid, SpecValidator.Problems(SpecValidatorTests.Valid() with { Network = network }).Count == 0);

    [Fact]
    public void Detached_refuses_a_terminal_and_a_log_cap_below_4k()
    {
        Assert.Single(SpecValidator.Problems(SpecValidatorTests.Valid() with { Detached = true, Tty = true }));
        Assert.Single(SpecValidator.Problems(SpecValidatorTests.Valid() with { Detached = true, LogMaxBytes = 4095 }));
        Assert.Empty(SpecValidator.Problems(SpecValidatorTests.Valid() with { Detached = true, LogMaxBytes = 4096 }));
    }

    [Theory]
    [InlineData("tcp:5432", typeof(ReadinessCheck.Tcp))]
    [InlineData("tcp:65535", typeof(ReadinessCheck.Tcp))]
    [InlineData("cmd:pg_isready -h 127.0.0.1", typeof(ReadinessCheck.Cmd))]
    [InlineData("log:ready to accept connections$", typeof(ReadinessCheck.Log))]
    [InlineData("log:a:b", typeof(ReadinessCheck.Log))]
    public void Readiness_checks_parse(string text, Type kind)
        => Assert.IsType(kind, ReadinessCheck.Parse(text));

    [Theory]
    [InlineData("tcp:x")]
    [InlineData("tcp:-1")]
    [InlineData("tcp:+80")]
    [InlineData("tcp:٨٠")] // other scripts' digits
    [InlineData("tcp")]
    [InlineData("http:80")]
    [InlineData("log:[")]
    [InlineData("log:(a)\\1")] // a backreference: not linear-time
    public void Bad_readiness_checks_are_refused(string text)
        => Assert.Throws<TinyDockerException>(() => ReadinessCheck.Parse(text));

    [Fact]
    public void A_log_regex_is_linear_time_on_a_hostile_line()
    {
        var check = (ReadinessCheck.Log)ReadinessCheck.Parse("log:^(a+)+$");
        var line = new ContainerLog.Entry(false, true, Encoding.ASCII.GetBytes(new string('a', 100_000) + "!"));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(check.Matches(line));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"{sw.Elapsed}");
    }

    [Theory]
    [InlineData(false, "hello", true)]
    [InlineData(true, "", true)]
    [InlineData(true, "no newline \u001b[2J\r", false)]
    public void A_record_round_trips(bool stderr, string text, bool newline)
    {
        byte[] record = ContainerLog.Encode(stderr, Encoding.UTF8.GetBytes(text), newline);
        Assert.Equal((byte)'\n', record[^1]);
        var entry = ContainerLog.Decode(record.AsSpan(0, record.Length - 1))!.Value;
        Assert.Equal((stderr, newline, text), (entry.Stderr, entry.Newline, Encoding.UTF8.GetString(entry.Bytes)));
    }

    [Fact]
    public void A_cursor_follows_the_log_across_rotations_and_loses_nothing_kept()
    {
        using var log = new DetachedLog(_dir, 4096);
        using var cursor = new LogCursor(_dir);
        var seen = new List<string>();
        for (int i = 0; i < 2000; i++)
        {
            log.Append(i % 2 == 1, Encoding.ASCII.GetBytes($"line {i}"), newline: true);
            if (i % 100 == 0)
            {
                seen.AddRange(cursor.Poll().Select(e => Encoding.ASCII.GetString(e.Bytes)));
            }
        }
        seen.AddRange(cursor.Poll().Select(e => Encoding.ASCII.GetString(e.Bytes)));

        // Polled at least once per rotation (100 lines < 4k): every line, in order, exactly once.
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"line {i}"), seen);
        Assert.True(new FileInfo(Path.Combine(_dir, "log")).Length <= 4096);
        Assert.True(new FileInfo(Path.Combine(_dir, "log.1")).Length <= 4096);
        Assert.Equal("line 1999", Encoding.ASCII.GetString(ContainerLog.ReadAll(_dir)[^1].Bytes));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
