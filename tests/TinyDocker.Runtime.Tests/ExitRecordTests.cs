using TinyDocker.Runtime.State;

namespace TinyDocker.Runtime.Tests;

public sealed class ExitRecordTests
{
    [Theory]
    [InlineData(0, false, false, false)]
    [InlineData(137, true, true, true)]
    [InlineData(-1, false, true, false)]
    public void What_ToJson_writes_Parse_reads_back_whole(int code, bool timedOut, bool oomKilled, bool ownerGone)
    {
        var record = new ExitRecord(code, new DateTimeOffset(2026, 12, 1, 22, 50, 7, 123, TimeSpan.Zero).AddTicks(4567), timedOut, oomKilled, ownerGone);
        string json = record.ToJson();
        Assert.DoesNotContain('\n', json);
        Assert.Equal(record, ExitRecord.Parse(json + "\nnext line"));
    }

    [Fact]
    public void Its_names_are_the_camelCase_ones_readers_of_exit_json_know()
        => Assert.Equal("""{"exitCode":3,"finished":"2026-12-01T00:00:00+00:00","timedOut":false,"oomKilled":true,"ownerGone":false}""",
            new ExitRecord(3, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), false, true, false).ToJson());
}
