using Xunit;

namespace BothPackages;

public class UnitTests
{
    [Fact]
    public void An_ordinary_test_runs_on_the_host() => Assert.Equal(4, 2 + 2);
}
