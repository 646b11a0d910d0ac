using TinyDocker.Runtime.Mounts;

namespace TinyDocker.Runtime.Tests;

public sealed class RootPathTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tinydocker-rootpath-").FullName;

    [Fact]
    public void Plain_paths_join_the_root()
        => Assert.Equal($"{_root}/a/b", RootPath.Resolve(_root, "/a/b"));

    [Fact]
    public void Dot_dot_cannot_climb_out_of_the_root()
        => Assert.Equal($"{_root}/etc", RootPath.Resolve(_root, "/../../etc"));

    [Fact]
    public void An_absolute_symlink_resolves_inside_the_root()
    {
        Directory.CreateDirectory(Path.Combine(_root, "real"));
        File.CreateSymbolicLink(Path.Combine(_root, "work"), "/etc");

        Assert.Equal($"{_root}/etc/sub", RootPath.Resolve(_root, "/work/sub"));
    }

    [Fact]
    public void A_relative_symlink_that_climbs_stays_inside_the_root()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a"));
        File.CreateSymbolicLink(Path.Combine(_root, "a", "up"), "../../../../host");

        Assert.Equal($"{_root}/host/x", RootPath.Resolve(_root, "/a/up/x"));
    }

    [Fact]
    public void A_symlink_loop_is_an_error()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "loop"), "/loop");

        Assert.Throws<TinyDockerException>(() => RootPath.Resolve(_root, "/loop/x"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
