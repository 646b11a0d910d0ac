using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;

namespace TinyDocker.TestAdapter;

/// <summary>`dotnet test --filter` over container cases: by FullyQualifiedName or DisplayName (both the script's relative path).</summary>
internal static class CaseFilter
{
    private static readonly Dictionary<string, TestProperty> Properties = new(StringComparer.OrdinalIgnoreCase)
    {
        ["FullyQualifiedName"] = TestCaseProperties.FullyQualifiedName,
        ["DisplayName"] = TestCaseProperties.DisplayName,
    };

    /// <summary>The cases the run's filter selects (all of them without a filter).</summary>
    public static IEnumerable<(ContainerCase Case, TestCase Test)> Apply(IEnumerable<(ContainerCase Case, TestCase Test)> cases, IRunContext? runContext)
    {
        ITestCaseFilterExpression? filter;
        try
        {
            filter = runContext?.GetTestCaseFilter(Properties.Keys, name => Properties.GetValueOrDefault(name));
        }
        catch (TestPlatformFormatException)
        {
            // The filter names a property container cases do not have (e.g. Category): none match.
            return [];
        }
        return filter is null
            ? cases
            : cases.Where(c => filter.MatchTestCase(c.Test, name => Properties.TryGetValue(name, out var p) ? c.Test.GetPropertyValue(p) : null));
    }
}
