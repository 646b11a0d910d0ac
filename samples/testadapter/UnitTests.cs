using Xunit;

namespace SampleContainerTests;

public class UnitTests
{
    [Fact]
    public void Ordinary_xunit_tests_run_beside_the_container_cases() => Assert.Equal(4, 2 + 2);
}
