using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>The cases file as the package's targets write it, and what discovery makes of it.</summary>
public sealed class CasesFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinydocker-cases-").FullName;

    private string Source => Path.Combine(_dir, "My.Tests.dll");

    // Exactly the shape build/TinyDocker.TestAdapter.targets writes: one case a line, each ending in a comma.
    private void WriteCases(int version = 3) => File.WriteAllText(Path.Combine(_dir, "My.Tests.TinyContainerTests.json"), $$"""
        {
        "version": {{version}},
        "projectDir": "/src/my \"tests\"",
        "tool": "/pkgs/tinydocker.testadapter/1.0.0/tools/tinydocker/dotnet-tinydocker.dll",
        "cases": [
        { "name": "tests/net/dns.sh", "path": "/src/my \"tests\"/tests/net/dns.sh", "image": "images/debian", "timeout": "120", "memory": "2g" },
        { "name": "tests/a.sh", "path": "/src/my \"tests\"/tests/a.sh", "image": "", "timeout": "", "memory": "" },
        ]
        }
        """);

    [Fact]
    public void Reads_every_case_with_its_settings()
    {
        WriteCases();
        Assert.Equal(
        [
            new ContainerCase("tests/net/dns.sh", "/src/my \"tests\"/tests/net/dns.sh", "/src/my \"tests\"", "images/debian", "120", "2g",
                "/pkgs/tinydocker.testadapter/1.0.0/tools/tinydocker/dotnet-tinydocker.dll", Source),
            new ContainerCase("tests/a.sh", "/src/my \"tests\"/tests/a.sh", "/src/my \"tests\"", null, null, null,
                "/pkgs/tinydocker.testadapter/1.0.0/tools/tinydocker/dotnet-tinydocker.dll", Source),
        ], CasesFile.Read(Source));
    }

    [Fact]
    public void An_assembly_without_a_cases_file_has_no_container_cases()
        => Assert.Empty(CasesFile.Read(Source));

    [Fact]
    public void A_file_from_another_version_or_not_json_is_an_error_naming_the_file()
    {
        WriteCases(version: 1);
        var e = Assert.Throws<InvalidDataException>(() => CasesFile.Read(Source));
        Assert.Contains("My.Tests.TinyContainerTests.json: unsupported cases file (version 1", e.Message);

        File.WriteAllText(Path.Combine(_dir, "My.Tests.TinyContainerTests.json"), "{ nope");
        e = Assert.Throws<InvalidDataException>(() => CasesFile.Read(Source));
        Assert.Contains("My.Tests.TinyContainerTests.json: not a valid tinydocker cases file", e.Message);
    }

    [Fact]
    public void Discovery_names_each_case_by_its_path_in_the_project_and_points_at_the_script()
    {
        WriteCases();
        var sink = new Sink();
        new ContainerTestDiscoverer().DiscoverTests([Source, Path.Combine(_dir, "Other.dll")], null!, new Sink(), sink);
        Assert.Equal(
            [("tests/net/dns.sh", "tests/net/dns.sh", "/src/my \"tests\"/tests/net/dns.sh", 1), ("tests/a.sh", "tests/a.sh", "/src/my \"tests\"/tests/a.sh", 1)],
            sink.Cases.Select(c => (c.FullyQualifiedName, c.DisplayName, c.CodeFilePath, c.LineNumber)));
        Assert.All(sink.Cases, c => Assert.Equal((new Uri("executor://tinydocker/containertests/v1"), Source), (c.ExecutorUri, c.Source)));
        // The id is derived from the name and the source: the same case has the same id in every run.
        Assert.Equal(sink.Cases.Select(c => c.Id), CasesAgain());
    }

    private IEnumerable<Guid> CasesAgain()
    {
        var sink = new Sink();
        new ContainerTestDiscoverer().DiscoverTests([Source], null!, new Sink(), sink);
        return sink.Cases.Select(c => c.Id);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Sink : ITestCaseDiscoverySink, IMessageLogger
    {
        public List<TestCase> Cases { get; } = [];

        public void SendTestCase(TestCase discoveredTest) => Cases.Add(discoveredTest);

        public void SendMessage(TestMessageLevel testMessageLevel, string message) => throw new InvalidOperationException(message);
    }
}
