using TinyDocker.Testing;

namespace TinyDocker.Images.Tests;

/// <summary>A tool with its own state root and its own image data root, both removed on Dispose.</summary>
internal sealed class ImageTestBed : IDisposable
{
    /// <param name="user">Runs the tool as this ordinary user (rootless): the data root and the scratch directory are then its own.</param>
    public ImageTestBed(RootlessUser? user = null)
    {
        DataRoot = Path.Combine(Path.GetTempPath(), $"tinydocker-data-{Guid.NewGuid():N}");
        Scratch = Path.Combine(Path.GetTempPath(), $"tinydocker-scratch-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Scratch);
        Tool.Environment["TINYDOCKER_DATA"] = DataRoot;
        if (user is not null)
        {
            Tool.RunAs = user;
            user.Own(DataRoot);
            user.Own(Scratch);
        }
    }

    public TinyTool Tool { get; } = new();
    public string DataRoot { get; }

    /// <summary>A directory for the test's own files (archives, layouts, canaries).</summary>
    public string Scratch { get; }

    public string ScratchPath(string name) => Path.Combine(Scratch, name);

    public ToolResult Run(params string[] args) => Tool.Run(args);

    /// <summary>Runs the tool and fails the test, showing its output, unless it exits 0.</summary>
    public ToolResult Ok(params string[] args)
    {
        var result = Tool.Run(args);
        Assert.True(result.ExitCode == 0, $"tinydocker {string.Join(' ', args)}\n{result}");
        return result;
    }

    public IReadOnlyList<string> LayerDirs()
        => Directory.Exists(Path.Combine(DataRoot, "layers"))
            ? Directory.GetDirectories(Path.Combine(DataRoot, "layers")).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal).ToList()
            : [];

    public IReadOnlyList<string> TmpEntries()
        => Directory.Exists(Path.Combine(DataRoot, "tmp")) ? Directory.GetFileSystemEntries(Path.Combine(DataRoot, "tmp")) : [];

    public void Dispose()
    {
        Tool.Dispose();
        foreach (var dir in new[] { DataRoot, Scratch })
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
