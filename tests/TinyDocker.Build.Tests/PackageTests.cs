using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;

namespace TinyDocker.Build.Tests;

/// <summary>The nupkg `dotnet pack` makes: layout, metadata, and what the task assembly references.</summary>
[Collection(PackagedSampleCollection.Name)]
public sealed class PackageTests(PackagedSample sample)
{
    [Fact]
    public void Packing_leaves_the_trees_build_of_the_cli_its_apphost_and_assets_file_as_they_were()
    {
        // Counter-proof, measured: the tool's pointer-package pack in the tree took the apphost away.
        Assert.Contains(sample.TreeAfterPack, f => f.StartsWith($"tool/TinyDocker.Cli/bin/{RepoPaths.Configuration}/net10.0/dotnet-tinydocker ", StringComparison.Ordinal));
        Assert.Equal(sample.TreeBeforePack, sample.TreeAfterPack);
    }

    [Fact]
    public void The_package_has_the_task_under_tasks_the_targets_under_build_and_the_cli_under_tools()
    {
        using var zip = ZipFile.OpenRead(sample.Package);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains("tasks/net10.0/TinyDocker.Build.dll", names);
        Assert.Contains("build/TinyDocker.Build.props", names);
        Assert.Contains("build/TinyDocker.Build.targets", names);
        Assert.Contains("tools/tinydocker/dotnet-tinydocker.dll", names);
        Assert.Contains("tools/tinydocker/dotnet-tinydocker.runtimeconfig.json", names);
        Assert.Contains("tools/tinydocker/dotnet-tinydocker.deps.json", names);
        Assert.DoesNotContain(names, n => n.StartsWith("lib/", StringComparison.Ordinal));
        // The runtime and its native bindings are the CLI's, never the task's.
        Assert.DoesNotContain(names, n => n.StartsWith("tasks/", StringComparison.Ordinal) && (n.Contains("Tmds") || n.Contains("TinyDocker.Runtime")));
    }

    [Fact]
    public void The_package_is_a_development_dependency_with_no_dependencies_versioned_by_nbgv()
    {
        using var zip = ZipFile.OpenRead(sample.Package);
        using var nuspecStream = zip.Entries.Single(e => e.FullName == "TinyDocker.Build.nuspec").Open();
        var nuspec = XDocument.Load(nuspecStream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        Assert.Equal("true", metadata.Element(ns + "developmentDependency")?.Value);
        Assert.Empty(metadata.Descendants(ns + "dependency"));
        // version.json says `0.1-alpha`; Nerdbank.GitVersioning adds the patch (git height) and,
        // off the release branch, the commit (or, with NBGV_GitEngine=Disabled, a placeholder).
        string versionJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "version.json"))).RootElement.GetProperty("version").GetString()!;
        string majorMinor = versionJson.Split('-')[0];
        Assert.Equal(sample.Version, metadata.Element(ns + "version")?.Value);
        Assert.StartsWith(majorMinor + ".", sample.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void The_task_assembly_references_neither_the_runtime_nor_Tmds_LibC()
    {
        using var zip = ZipFile.OpenRead(sample.Package);
        using var dll = new MemoryStream();
        zip.Entries.Single(e => e.FullName == "tasks/net10.0/TinyDocker.Build.dll").Open().CopyTo(dll);
        dll.Position = 0;
        using var pe = new PEReader(dll);
        var reader = pe.GetMetadataReader();
        var references = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();

        Assert.Contains("Microsoft.Build.Utilities.Core", references);
        Assert.DoesNotContain("Tmds.LibC", references);
        Assert.DoesNotContain("TinyDocker.Runtime", references);
    }
}
