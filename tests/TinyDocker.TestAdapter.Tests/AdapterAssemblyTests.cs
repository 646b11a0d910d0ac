namespace TinyDocker.TestAdapter.Tests;

public sealed class AdapterAssemblyTests
{
    [Fact]
    public void The_adapter_loads_no_namespace_code_into_the_test_host()
    {
        var references = typeof(ContainerTestExecutor).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain("TinyDocker.Runtime", references);
        Assert.DoesNotContain("Tmds.LibC", references);
        // Everything else it references is the .NET shared framework's, the object model the test host
        // carries, or the case runner packed beside it, which itself references only the framework.
        string framework = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        Assert.All(references.Where(r => r is not ("Microsoft.VisualStudio.TestPlatform.ObjectModel" or "TinyDocker.ContainerCases")),
            r => Assert.True(File.Exists(Path.Combine(framework, r + ".dll")), $"{r} is not in {framework}"));
        Assert.All(typeof(CaseRunner).Assembly.GetReferencedAssemblies().Select(a => a.Name!),
            r => Assert.True(File.Exists(Path.Combine(framework, r + ".dll")), $"the case runner references {r}, which is not in {framework}"));
    }

    [Fact]
    public void Its_file_name_is_one_vstest_looks_for_beside_a_test_assembly()
        => Assert.EndsWith(".TestAdapter.dll", Path.GetFileName(typeof(ContainerTestExecutor).Assembly.Location));
}
