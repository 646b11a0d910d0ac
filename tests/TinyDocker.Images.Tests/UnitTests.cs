using TinyDocker.Runtime;
using TinyDocker.Runtime.Images;
using TinyDocker.Runtime.Images.Registry;

namespace TinyDocker.Images.Tests;

/// <summary>The pure parts: whiteout names, references, entry names, docker's run defaults, auth challenges.</summary>
public sealed class UnitTests
{
    [Theory]
    [InlineData("etc/.wh.passwd", EntryMeaning.Whiteout, "etc/passwd")]
    [InlineData(".wh.etc", EntryMeaning.Whiteout, "etc")]
    [InlineData("a/b/.wh..wh..opq", EntryMeaning.OpaqueDirectory, "a/b")]
    [InlineData(".wh..wh..opq", EntryMeaning.OpaqueDirectory, "")]
    [InlineData("a/.wh..wh.plnk", EntryMeaning.Ignored, "a/.wh..wh.plnk")]
    [InlineData("a/.whiteboard", EntryMeaning.Content, "a/.whiteboard")]
    [InlineData("a/x.wh.y", EntryMeaning.Content, "a/x.wh.y")]
    [InlineData("usr/bin/ls", EntryMeaning.Content, "usr/bin/ls")]
    public void Whiteout_names_map_to_overlay_meanings(string name, EntryMeaning meaning, string path)
        => Assert.Equal((meaning, path), Whiteouts.Classify(name));

    [Theory]
    [InlineData("a/.wh..")]
    [InlineData(".wh..")]
    public void A_whiteout_of_dot_dot_is_refused(string name)
        => Assert.Throws<TinyDockerException>(() => Whiteouts.Classify(name));

    [Theory]
    [InlineData("busybox", null, "busybox", "latest", null, "busybox:latest")]
    [InlineData("ubuntu:16.04", null, "ubuntu", "16.04", null, "ubuntu:16.04")]
    [InlineData("127.0.0.1:5000/team/busybox:1.36", "127.0.0.1:5000", "team/busybox", "1.36", null, "127.0.0.1:5000/team/busybox:1.36")]
    [InlineData("localhost/x", "localhost", "x", "latest", null, "localhost/x:latest")]
    [InlineData("team/app", null, "team/app", "latest", null, "team/app:latest")]
    [InlineData("reg.example.com/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "reg.example.com", "a/b", null, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "reg.example.com/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void References_parse_like_docker(string text, string? registry, string repo, string? tag, string? digest, string canonical)
    {
        var r = ImageReference.Parse(text);
        Assert.Equal(registry, r.Registry);
        Assert.Equal(repo, r.Repository);
        Assert.Equal(tag, r.Tag);
        Assert.Equal(digest, r.Digest?.ToString());
        Assert.Equal(canonical, r.ToString());
    }

    [Theory]
    [InlineData("linux/amd64", "linux", "amd64", null)]
    [InlineData("linux/arm/v7", "linux", "arm", "v7")]
    [InlineData("Linux/ARM64", "linux", "arm64", null)]
    public void Platforms_parse(string text, string os, string arch, string? variant)
        => Assert.Equal(new Platform(os, arch, variant), Platform.Parse(text));

    [Theory]
    [InlineData("linux")]
    [InlineData("linux/")]
    [InlineData("linux/arm/v7/x")]
    [InlineData("linux/a,b")]
    public void Bad_platforms_are_refused(string text)
        => Assert.Throws<TinyDockerException>(() => Platform.Parse(text));

    [Fact]
    public void Arm64_without_a_variant_is_v8()
    {
        var entry = new Descriptor("", Digest.Of([]), 0) { Os = "linux", Architecture = "arm64" };
        Assert.True(Platform.Parse("linux/arm64/v8").Matches(entry));
        Assert.False(Platform.Parse("linux/arm64/v9").Matches(entry));
        Assert.True(Platform.Parse("linux/arm64").Matches(entry with { Variant = "v8" }));
    }

    [Fact]
    public void Docker_hub_names_get_the_library_prefix_only_when_they_have_no_namespace()
    {
        Assert.Equal("library/busybox", ImageReference.Parse("busybox").RemoteRepository);
        Assert.Equal("team/app", ImageReference.Parse("team/app").RemoteRepository);
        Assert.Equal("team/app", ImageReference.Parse("127.0.0.1:5000/team/app").RemoteRepository);
        Assert.Equal(ImageReference.DockerHub, ImageReference.Parse("busybox").RegistryHost);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPPER")]
    [InlineData("a//b")]
    [InlineData("a:b:c")]
    [InlineData("x@sha256:abc")]
    [InlineData("x@md5:0123456789abcdef0123456789abcdef")]
    [InlineData("-lead")]
    public void Bad_references_are_refused(string text)
        => Assert.False(ImageReference.TryParse(text, out _, out _));

    [Theory]
    [InlineData("./", "")]
    [InlineData("/", "")]
    [InlineData("/.", "")]
    [InlineData("//", "")]
    [InlineData("./usr/bin/", "usr/bin")]
    [InlineData("usr//bin/./ls", "usr/bin/ls")]
    public void Entry_names_are_normalized(string name, string expected)
        => Assert.Equal(expected, LayerPathName.Normalize(name));

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("a/..")]
    [InlineData("/etc/passwd")]
    [InlineData("/../x")]
    [InlineData("/./etc")]
    [InlineData("/..")]
    public void Entry_names_that_could_leave_the_layer_are_refused(string name)
        => Assert.Throws<TinyDockerException>(() => LayerPathName.Normalize(name));

    [Fact]
    public void A_given_command_replaces_cmd_and_follows_the_entrypoint()
    {
        var config = new ImageConfig { Entrypoint = ["/entry"], Cmd = ["default"] };
        Assert.Equal(["/entry", "mine"], ImageDefaults.Command(config, ["mine"]));
        Assert.Equal(["/entry", "default"], ImageDefaults.Command(config, []));
        Assert.Equal(["sh"], ImageDefaults.Command(new ImageConfig { Cmd = ["sh"] }, []));
        Assert.Equal(["ls"], ImageDefaults.Command(null, ["ls"]));
        Assert.Empty(ImageDefaults.Command(ImageConfig.Empty, []));
    }

    [Fact]
    public void Image_env_comes_first_so_that_given_entries_win_and_workdir_falls_back()
    {
        var config = new ImageConfig { Env = ["A=image", "B=image"], WorkingDir = "/app" };
        Assert.Equal(["A=image", "B=image", "A=mine"], ImageDefaults.Env(config, ["A=mine"]));
        Assert.Equal("/app", ImageDefaults.WorkingDir(config, "/cwd"));
        Assert.Equal("/cwd", ImageDefaults.WorkingDir(ImageConfig.Empty, "/cwd"));
    }

    [Fact]
    public void Bearer_challenges_are_parsed()
    {
        var c = AuthChallenge.Parse("""Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull" """)!;
        Assert.Equal("Bearer", c.Scheme);
        Assert.Equal("https://auth.example.com/token", c["realm"]);
        Assert.Equal("registry.example.com", c["service"]);
        Assert.Equal("repository:a/b:pull", c["scope"]);
        Assert.Null(AuthChallenge.Parse(""));
    }

    [Theory]
    [InlineData("127.0.0.1:5000/a", false, "http")]
    [InlineData("localhost:5000/a", false, "http")]
    [InlineData("127.8.9.10/a", false, "http")]
    [InlineData("registry.example.com/a", false, "https")]
    [InlineData("10.0.0.5:5000/a", false, "https")]
    [InlineData("10.0.0.5:5000/a", true, "http")]
    public void Plain_http_only_for_loopback_or_insecure(string reference, bool insecure, string scheme)
    {
        using var client = new RegistryClient(ImageReference.Parse(reference), insecure);
        Assert.Equal(scheme, client.BaseUri.Scheme);
    }
}
