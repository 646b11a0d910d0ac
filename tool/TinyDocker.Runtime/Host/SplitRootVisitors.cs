// Runs in: the host tool (`diff`, or the supervisor for --keep-upper), while the container's init
// holds its scratch tmpfs open.
using TinyDocker.Runtime.Interop;
using static Tmds.Linux.LibC;
using ContainerPath = TinyDocker.Runtime.Host.SplitRootChanges.ContainerPath;

namespace TinyDocker.Runtime.Host;

/// <summary>`diff` of a split host root: the lines rootful's one upper would give.</summary>
internal sealed class SplitRootDiff(List<UpperLayer.Change> changes) : SplitRootChanges.IVisitor
{
    private const ulong Beneath = Sys.ResolveConfined;

    public void Changed(FileDescriptor dir, byte[] name, ContainerPath path, bool existed)
    {
        Add(existed ? 'C' : 'A', path.Shown);
        int fd = Sys.TryOpenat2(dir.Value, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, Beneath);
        if (fd >= 0)
        {
            using var sub = new FileDescriptor(fd);
            UpperLayer.Walk(sub, path.Shown, existed ? Path.Exists : _ => false, changes);
        }
    }

    public void Deleted(ContainerPath path) => Add('D', path.Shown);

    public void Layer(FileDescriptor upper, ContainerPath path)
    {
        Add('C', path.Shown); // the overlay's directory, as its copy up in one upper would show it (UpperLayer adds the ones above)
        using var dirFd = Sys.Reopen(upper, O_RDONLY | O_DIRECTORY, path.Shown);
        UpperLayer.Walk(dirFd, path.Shown, Path.Exists, changes);
    }

    private void Add(char kind, string path)
    {
        if (!changes.Exists(c => c.Path == path))
        {
            changes.Add(new UpperLayer.Change(kind, path));
        }
    }
}

/// <summary>`--keep-upper` of a split host root: root/ laid out as rootful's one upper, with the one safe writer.</summary>
internal sealed class SplitRootSaver(SafeTreeWriter writer, FileDescriptor root, string shownRoot) : SplitRootChanges.IVisitor
{
    private const ulong Beneath = Sys.ResolveConfined;

    public void Changed(FileDescriptor dir, byte[] name, ContainerPath path, bool existed)
    {
        int fd = Sys.TryOpenat2(dir.Value, name, O_PATH | O_NOFOLLOW, Beneath);
        if (fd >= 0)
        {
            using var source = new FileDescriptor(fd);
            InParent(path, parent => writer.Copy(source, parent, name, Shown(path)));
        }
    }

    public void Deleted(ContainerPath path) => InParent(path, parent => writer.Whiteout(parent, path.Names[^1], Shown(path)));

    public void Layer(FileDescriptor upper, ContainerPath path) => InParent(path, parent => writer.Copy(upper, parent, path.Names[^1], Shown(path)));

    private string Shown(ContainerPath path) => shownRoot + path.Shown;

    /// <summary>Runs <paramref name="write"/> in the saved directory that holds <paramref name="path"/>, made as needed (never through a link).</summary>
    private void InParent(ContainerPath path, Action<FileDescriptor> write)
    {
        var dirs = new List<FileDescriptor>();
        try
        {
            var at = root;
            var shown = ContainerPath.Root;
            foreach (var name in path.Parent.Names)
            {
                shown = shown.Child(name);
                at = SafeTreeWriter.OpenOrMakeDirectory(at, name, Shown(shown), HostDestination.ParentMode);
                dirs.Add(at);
            }
            write(at);
        }
        finally
        {
            dirs.ForEach(d => d.Dispose());
        }
    }
}
