using System.Text.Json;
using TinyDocker.Runtime.Host;

namespace TinyDocker.Runtime.Tests;

/// <summary>
/// --json-status's hand-written records against the source-generated serializer's: the same text,
/// and each read back by the serializer into the record it was written from.
/// </summary>
public sealed class JsonStatusTests
{
    public static TheoryData<EndRecord> Ends() => new()
    {
        new EndRecord(0, null, false, false, 0.012345678901234567, 0.001, 0, null),
        new EndRecord(137, 9, true, true, 1e-7, 12.5, 3.0000000000000004, 268435456),
        new EndRecord(-1, 15, false, true, double.MaxValue, double.Epsilon, 1.0 / 3, long.MaxValue),
    };

    [Theory]
    [MemberData(nameof(Ends))]
    public void The_end_record_is_the_serializers(EndRecord record)
    {
        string json = StatusWire.ToJson(record);
        Assert.Equal(JsonSerializer.Serialize(record, StatusJson.Default.EndRecord), json);
        Assert.Equal(record, JsonSerializer.Deserialize(json, StatusJson.Default.EndRecord));
    }

    [Theory]
    [InlineData("c1")]
    [InlineData("quote\" back\\ <&'+`> \u0001\n ünï 😀")]
    public void The_start_record_is_the_serializers(string text)
    {
        var record = new StartRecord(text, 4242, new() { ["mnt"] = "mnt:[4026531841]", ["pid"] = text, [text] = "?" });
        string json = StatusWire.ToJson(record);
        Assert.Equal(JsonSerializer.Serialize(record, StatusJson.Default.StartRecord), json);
        var read = JsonSerializer.Deserialize(json, StatusJson.Default.StartRecord)!;
        Assert.Equal((record.Name, record.Pid), (read.Name, read.Pid));
        Assert.Equal(record.Namespaces, read.Namespaces);
    }
}
