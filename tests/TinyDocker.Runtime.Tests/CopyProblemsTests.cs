using TinyDocker.Runtime.Host;

namespace TinyDocker.Runtime.Tests;

public sealed class CopyProblemsTests
{
    [Fact]
    public void Each_loss_is_one_line_up_to_a_cap_then_a_count()
    {
        var stderr = new StringWriter();
        var problems = new CopyProblems(stderr, "copy-out");

        for (int i = 0; i < 25; i++)
        {
            problems.Add($"/r/f{i}", "write: ENOSPC (No space left on device)");
        }
        problems.Finish();

        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(21, lines.Length);
        Assert.Equal("tinydocker: copy-out: `/r/f0` not copied: write: ENOSPC (No space left on device)", lines[0]);
        Assert.Equal("tinydocker: copy-out: and 5 more not copied", lines[^1]);
        Assert.True(problems.Any);
    }

    [Fact]
    public void A_name_is_shown_on_one_line_whatever_its_bytes()
        => Assert.Equal("a?b?c", CopyProblems.Show("a\nb"u8.ToArray().Concat(new byte[] { 0xff }).Concat("c"u8.ToArray()).ToArray()));
}
