using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.Mounts;

namespace TinyDocker.Runtime.Tests;

/// <summary>
/// The same hostile layouts resolved both ways: by the kernel (openat2 RESOLVE_IN_ROOT) and by the
/// component walk kept for kernels without openat2. A host directory outside the root stands for
/// the host's /etc: nothing may ever be opened or made in it.
/// </summary>
public sealed class ContainerRootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tinydocker-croot-").FullName;
    private readonly string _host = Directory.CreateTempSubdirectory("tinydocker-croot-host-").FullName;

    public static TheoryData<RootResolution> Both => [RootResolution.Kernel, RootResolution.Walk];

    [Fact]
    public void This_kernel_resolves_with_openat2()
    {
        using var root = new ContainerRoot(_root);

        Assert.Equal(RootResolution.Kernel, root.Resolution); // 5.6 and later; these machines run 6.x
    }

    [Theory, MemberData(nameof(Both))]
    public void An_absolute_link_to_a_host_directory_resolves_inside_the_root(RootResolution how)
    {
        File.CreateSymbolicLink(Path.Combine(_root, "work"), _host);
        using var root = new ContainerRoot(_root, how);

        using var dir = root.OpenDir("/work/sub/deeper", 0b111_101_101);

        Assert.Equal($"{_root}{_host}/sub/deeper", Where(dir));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_host));
    }

    [Theory, MemberData(nameof(Both))]
    public void A_relative_link_that_climbs_with_dot_dot_stays_inside_the_root(RootResolution how)
    {
        Directory.CreateDirectory(Path.Combine(_root, "a"));
        File.CreateSymbolicLink(Path.Combine(_root, "a", "up"), "../../../../../../.." + _host);
        using var root = new ContainerRoot(_root, how);

        using var file = root.OpenFile("/a/up/new-file", 0b110_100_100);
        root.MakeDirs("/a/up/new-dir", 0b111_101_101);

        Assert.Equal($"{_root}{_host}/new-file", Where(file));
        Assert.True(Directory.Exists($"{_root}{_host}/new-dir"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_host));
    }

    [Theory, MemberData(nameof(Both))]
    public void Dot_dot_in_the_path_itself_stops_at_the_root(RootResolution how)
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        using var root = new ContainerRoot(_root, how);

        using var etc = root.Open("/../../etc");
        using var made = root.OpenDir("/x/missing/../../../made", 0b111_101_101);

        Assert.Equal($"{_root}/etc", Where(etc));
        Assert.Equal($"{_root}/made", Where(made));
    }

    [Theory, MemberData(nameof(Both))]
    public void A_dangling_link_is_created_inside_the_root(RootResolution how)
    {
        Directory.CreateDirectory(Path.Combine(_root, "dev"));
        File.CreateSymbolicLink(Path.Combine(_root, "dev", "null"), Path.Combine(_host, "made-by-the-image"));
        using var root = new ContainerRoot(_root, how);

        using var node = root.OpenFile("/dev/null", 0b110_110_110);

        Assert.Equal($"{_root}{_host}/made-by-the-image", Where(node));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_host));
    }

    [Theory, MemberData(nameof(Both))]
    public void A_link_chain_through_absolute_and_relative_links_stays_inside(RootResolution how)
    {
        Directory.CreateDirectory(Path.Combine(_root, "b"));
        File.CreateSymbolicLink(Path.Combine(_root, "first"), "/b/second");
        File.CreateSymbolicLink(Path.Combine(_root, "b", "second"), "../../.." + _host);
        using var root = new ContainerRoot(_root, how);

        root.MakeDirs("/first/t", 0b111_101_101);
        var (dir, name) = root.OpenParent("/first/t/x");
        using (dir)
        {
            Assert.Equal($"{_root}{_host}/t", Where(dir));
            Assert.Equal("x"u8.ToArray(), name);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_host));
    }

    [Theory, MemberData(nameof(Both))]
    public void A_missing_path_is_null_and_a_loop_is_an_error(RootResolution how)
    {
        File.CreateSymbolicLink(Path.Combine(_root, "loop"), "/loop");
        using var root = new ContainerRoot(_root, how);

        Assert.Null(root.OpenIfExists("/not/there"));
        Assert.ThrowsAny<TinyDockerException>(() => root.OpenIfExists("/loop/x"));
        Assert.ThrowsAny<TinyDockerException>(() => root.MakeDirs("/loop/x", 0b111_101_101));
    }

    /// <summary>The host path a descriptor names (its /proc/self/fd link).</summary>
    private static string Where(FileDescriptor fd) => new FileInfo($"/proc/self/fd/{fd.Value}").LinkTarget!;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_host, recursive: true);
    }
}
