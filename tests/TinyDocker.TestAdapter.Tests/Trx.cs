using System.Globalization;
using System.Xml.Linq;

namespace TinyDocker.TestAdapter.Tests;

/// <summary>One test result as a TRX file records it; ResultFiles are absolute paths.</summary>
internal sealed record TrxResult(
    string Name,
    string Outcome,
    TimeSpan Duration,
    DateTimeOffset Start,
    DateTimeOffset End,
    string StdOut,
    string StdErr,
    string Message,
    IReadOnlyList<string> ResultFiles);

/// <summary>Reads the results of a TRX file written by `dotnet test --logger trx`.</summary>
internal static class Trx
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static IReadOnlyList<TrxResult> Read(string path)
    {
        var doc = XDocument.Load(path);
        string runDir = Path.Combine(Path.GetDirectoryName(path)!, doc.Root!.Element(Ns + "TestSettings")?.Element(Ns + "Deployment")?.Attribute("runDeploymentRoot")?.Value ?? "");
        return doc.Root.Element(Ns + "Results")!.Elements(Ns + "UnitTestResult").Select(r =>
        {
            var output = r.Element(Ns + "Output");
            string inDir = Path.Combine(runDir, "In", r.Attribute("executionId")!.Value);
            return new TrxResult(
                r.Attribute("testName")!.Value,
                r.Attribute("outcome")!.Value,
                TimeSpan.Parse(r.Attribute("duration")?.Value ?? "0", CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(r.Attribute("startTime")!.Value, CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(r.Attribute("endTime")!.Value, CultureInfo.InvariantCulture),
                output?.Element(Ns + "StdOut")?.Value ?? "",
                output?.Element(Ns + "StdErr")?.Value ?? "",
                output?.Element(Ns + "ErrorInfo")?.Element(Ns + "Message")?.Value ?? "",
                r.Element(Ns + "ResultFiles")?.Elements(Ns + "ResultFile").Select(f => Path.Combine(inDir, f.Attribute("path")!.Value)).ToList() ?? []);
        }).ToList();
    }
}
