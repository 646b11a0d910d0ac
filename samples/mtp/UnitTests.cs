namespace SampleMtp;

[TestClass]
public sealed class UnitTests
{
    [TestMethod]
    public void Ordinary_mstest_tests_run_beside_the_container_cases() => Assert.AreEqual("4", (2 + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
