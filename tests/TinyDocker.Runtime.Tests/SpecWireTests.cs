using System.Text.Json;
using TinyDocker.Runtime.Rootless;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Tests;

/// <summary>
/// The hand-written spec JSON against the source-generated serializer's: each reads what the other
/// writes, for a spec with every field set and for one with only the required ones.
/// </summary>
public sealed class SpecWireTests
{
    private static ContainerSpec Full() => new()
    {
        Name = "c1",
        Hostname = "host-1",
        Layers = ["/var/lib/tinydocker/layers/a", "/var/lib/tinydocker/layers/b"],
        ImageId = "sha256:0123",
        Command = ["sh", "-c", "echo \"quoted\" \\ ünï\u0001"],
        Env = ["PATH=/bin", "A=b=c"],
        WorkingDir = "/work",
        SharedDir = "/home/u/src",
        StateRoot = "/run/tinydocker",
        DataRoot = "/var/lib/tinydocker",
        Volumes = [new Volume("/src", "/dst", true), new Volume("/a", "/b", false)],
        Tmpfs = [new TmpfsMount("/scratch", "size=1m")],
        ReadOnlyRoot = true,
        CopyOut = [new CopyOut("/out", "/host/out")],
        User = new UserIds(1000, 1001),
        Network = "container:db",
        Ports = [new PortMapping("127.0.0.1", 8080, 80), new PortMapping("0.0.0.0", 0, 53, "udp")],
        Limits = new ResourceLimits { MemoryBytes = 1 << 20, MemorySwapBytes = 2 << 20, PidsLimit = 64, Cpus = 1.5 },
        Timeout = TimeSpan.FromMilliseconds(90_500),
        StopTimeout = TimeSpan.FromSeconds(3),
        DieWithParent = true,
        JsonStatusPath = "/dev/fd/3",
        KeepUpperDir = "/tmp/upper",
        Capabilities = ["CHOWN", "KILL"],
        Seccomp = SeccompModes.Unconfined,
        Privileged = true,
        DebugSince = 123456789,
        Tty = true,
        Interactive = true,
        Detached = true,
        RemoveOnExit = true,
        LogMaxBytes = 4096,
        UserNamespace = new IdMap(1000, 1000, new SubordinateRange(100000, 65536), new SubordinateRange(200000, 65536)),
    };

    private static string Reference(ContainerSpec spec) => JsonSerializer.Serialize(spec, SpecJson.Default.ContainerSpec);

    [Fact]
    public void The_full_sample_sets_every_field_a_spec_has()
    {
        // A field added to ContainerSpec must be added here, and so to SpecWire, or this fails.
        var blank = SpecValidatorTests.Valid() with { Name = "", Hostname = "", Layers = [], Command = [], Env = [], WorkingDir = "", StateRoot = "" };
        var full = Full();
        var unset = typeof(ContainerSpec).GetProperties()
            .Where(p => p.SetMethod is not null)
            .Where(p => JsonSerializer.Serialize(p.GetValue(full)) == JsonSerializer.Serialize(p.GetValue(blank)))
            .Select(p => p.Name);
        Assert.Empty(unset);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_serializer_reads_what_SpecWire_writes(bool full)
    {
        var spec = full ? Full() : SpecValidatorTests.Valid();
        var read = JsonSerializer.Deserialize(SpecWire.ToUtf8(spec), SpecJson.Default.ContainerSpec)!;
        Assert.Equal(Reference(spec), Reference(read));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SpecWire_reads_what_the_serializer_writes(bool full)
    {
        var spec = full ? Full() : SpecValidatorTests.Valid();
        var read = SpecWire.FromUtf8(JsonSerializer.SerializeToUtf8Bytes(spec, SpecJson.Default.ContainerSpec));
        Assert.Equal(Reference(spec), Reference(read));
    }

    [Theory]
    [InlineData("plain /usr/bin:x=y")]
    [InlineData("echo \"quoted\" \\ back")]
    [InlineData("\u0001\u001f\t\n\r\b\f\u007f")]
    [InlineData("<tag> & 'it' + `tick`")]
    [InlineData("ünï €, 日本, 😀")]
    public void The_hand_written_escaping_is_the_serializers(string text)
    {
        // Byte for byte, names and values: the spec's own encoder against the serializer's default.
        string written = HandWrittenJson.Object(w => w.WriteString(text, text));
        string reference = JsonSerializer.Serialize(new Dictionary<string, string> { [text] = text });
        Assert.Equal(reference, written);
        Assert.Equal(text, JsonSerializer.Deserialize<Dictionary<string, string>>(reference)![text]);
    }

    [Fact]
    public void Fields_left_out_keep_their_defaults()
    {
        var read = SpecWire.FromUtf8("""{"name":"a","hostname":"a","layers":["/"],"command":["true"],"env":[],"workingDir":"/","stateRoot":"/r"}"""u8);
        Assert.Equal(Reference(SpecValidatorTests.Valid("a") with { Env = [], StateRoot = "/r" }), Reference(read));
        Assert.Equal(TimeSpan.FromSeconds(10), read.StopTimeout);
        Assert.Equal(Security.Capabilities.Default, read.Capabilities);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{"name":"a"}""")]
    [InlineData("""{"name":1,"hostname":"a","layers":["/"],"command":["true"],"env":[],"workingDir":"/","stateRoot":"/r"}""")]
    [InlineData("""{"name":"a","hostname":"a","layers":"/","command":["true"],"env":[],"workingDir":"/","stateRoot":"/r"}""")]
    [InlineData("""{"name":"a","hostname":"a","layers":["/"],"command":["true"],"env":[],"workingDir":"/","stateRoot":"/r","stopTimeout":"ten"}""")]
    [InlineData("""{"name":"a","hostname":"a","layers":["/"],"command":["true"],"env":[],"workingDir":"/","stateRoot":"/r","volumes":[{"source":"/a"}]}""")]
    [InlineData("""{"name":"a","hostname":"a","layers":["/"],"command":["true"],"env":[],"workingDir":"/","stateRoot":"/r"} {}""")]
    [InlineData("""{"name":"a","hostname":"a","layers":["/"],"command":["true"],"env":[],"workingDir":"/","stateRoot":"/r",""")]
    public void A_malformed_spec_is_a_JsonException(string json)
        => Assert.ThrowsAny<JsonException>(() => SpecWire.FromUtf8(System.Text.Encoding.UTF8.GetBytes(json)));
}
