using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Tests;

public sealed class ParsingTests
{
    [Theory]
    [InlineData("300", 300_000)]
    [InlineData("90s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("5m", 300_000)]
    [InlineData("1.5h", 5_400_000)]
    public void Durations_parse(string text, double ms) => Assert.Equal(ms, Durations.Parse(text, "timeout").TotalMilliseconds);

    [Theory]
    [InlineData("")]
    [InlineData("5 minutes")]
    [InlineData("-1")]
    [InlineData("1d")]
    public void Bad_durations_are_refused(string text)
        => Assert.Equal(ExitCodes.TinyDockerError, Assert.Throws<TinyDockerException>(() => Durations.Parse(text, "timeout")).ExitCode);

    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("512k", 512L * 1024)]
    [InlineData("64m", 64L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("100mb", 100L << 20)]
    public void Sizes_parse(string text, long bytes) => Assert.Equal(bytes, Sizes.Parse(text, "memory"));

    [Theory]
    [InlineData("lots")]
    [InlineData("1x")]
    public void Bad_sizes_are_refused(string text) => Assert.Throws<TinyDockerException>(() => Sizes.Parse(text, "memory"));

    [Fact]
    public void Sizes_format_in_the_largest_whole_unit() => Assert.Equal(["1g", "64m", "3k", "1000"], new[] { 1L << 30, 64L << 20, 3072, 1000 }.Select(Sizes.Format));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3 << 8, 3)]
    [InlineData(9, 137)]
    [InlineData(15, 143)]
    public void Wait_statuses_map_to_shell_exit_codes(int status, int code) => Assert.Equal(code, ExitCodes.FromWaitStatus(status));
}

public sealed class UserLookupTests : IDisposable
{
    private readonly string _image = Directory.CreateTempSubdirectory("tinydocker-users-").FullName;

    public UserLookupTests()
    {
        Directory.CreateDirectory(Path.Combine(_image, "etc"));
        File.WriteAllText(Path.Combine(_image, "etc/passwd"), "root:x:0:0::/root:/bin/sh\nbuilder:x:1000:1001::/home/b:/bin/sh\n");
        File.WriteAllText(Path.Combine(_image, "etc/group"), "root:x:0:\nbuilders:x:1001:\nstaff:x:50:\n");
    }

    [Theory]
    [InlineData("1000", 1000u, 1001u)]
    [InlineData("builder", 1000u, 1001u)]
    [InlineData("builder:staff", 1000u, 50u)]
    [InlineData("1234", 1234u, 0u)]
    [InlineData("1234:5678", 1234u, 5678u)]
    public void Users_resolve_as_docker_does(string text, uint uid, uint gid)
        => Assert.Equal(new UserIds(uid, gid), UserLookup.Resolve(text, [_image]));

    [Theory]
    [InlineData("nobody-here")]
    [InlineData("1000:nogroup-here")]
    [InlineData("1:2:3")]
    [InlineData(":5")]
    public void Unknown_users_are_refused(string text) => Assert.Throws<TinyDockerException>(() => UserLookup.Resolve(text, [_image]));

    public void Dispose() => Directory.Delete(_image, recursive: true);
}
