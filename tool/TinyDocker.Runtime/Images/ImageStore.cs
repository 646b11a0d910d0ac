using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// The content-addressed image store under a data root:
/// <code>
///   layers/HEX/          one extracted layer per digest: an overlay lower directory, never changed
///   images/HEX.json      one record per image id (layers + config)
///   repositories.json    names (tags, digest references, cached archive paths) to image ids
///   tmp/PID-layer-GUID/  imports in progress; renamed into layers/ once complete and verified
///   tmp/PID-pin-GUID     layers a `run` (process PID) stands on: prune keeps them while PID lives
///   gc.lock              imports hold it shared, prune exclusive: prune never sees a half-import
///   meta.lock            held exclusive while repositories.json or images/ change
///   overlay-markers      `trusted` or `user`: the xattrs its layers' opaque markers use (ImageStore.Markers.cs)
/// </code>
/// </summary>
public sealed partial class ImageStore
{
    public ImageStore(string root)
    {
        Root = root;
    }

    public string Root { get; }
    public string LayersDir => Path.Combine(Root, "layers");
    public string ImagesDir => Path.Combine(Root, "images");
    public string TmpDir => Path.Combine(Root, "tmp");
    private string RepositoriesFile => Path.Combine(Root, "repositories.json");

    public static ImageStore Open() => new(DataRoot.Current);

    /// <summary>The overlay lower directory of a layer.</summary>
    public string LayerPath(Digest digest) => Path.Combine(LayersDir, digest.Hex);

    public bool HasLayer(Digest digest) => Directory.Exists(LayerPath(digest));

    /// <summary>
    /// The sizes of every file in the image's layers as extracted (symlinks and directories count nothing).
    /// An ordinary user cannot read a directory that a layer gave, private, to one of its subordinate ids
    /// (an image's 0700 directory of uid 42, say): what is below it is not counted.
    /// </summary>
    public long UnpackedSize(ImageRecord image)
        => image.Layers.Select(Digest.Parse).Distinct().Sum(d => new DirectoryInfo(LayerPath(d))
            .EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = Rootless.UserPlaces.ForOrdinaryUser })
            .Sum(f => f.Length));

    /// <summary>Creates the store's directories (0711: containers of other users still traverse into lowers).</summary>
    public void EnsureCreated()
    {
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                  | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var dir in new[] { Root, LayersDir, ImagesDir, TmpDir })
        {
            Directory.CreateDirectory(dir, mode);
        }
    }

    /// <summary>Held shared for the whole of an import so prune cannot remove layers not yet named by an image.</summary>
    internal StoreLock ImportLock() => StoreLock.Take(Path.Combine(Root, "gc.lock"), exclusive: false);

    internal StoreLock GcLock() => StoreLock.Take(Path.Combine(Root, "gc.lock"), exclusive: true);

    private StoreLock MetaLock() => StoreLock.Take(Path.Combine(Root, "meta.lock"), exclusive: true);

    /// <summary>A fresh directory on the store's filesystem (so it can be renamed into place), named for this process.</summary>
    public string NewTempDir(string purpose)
    {
        string dir = Path.Combine(TmpDir, $"{Environment.ProcessId}-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// Moves a fully extracted and verified layer into place with one rename. If another import
    /// landed the same digest first, theirs stays and ours is thrown away: the content is the same.
    /// </summary>
    public void CommitLayer(string staged, Digest digest)
    {
        int errno = Sys.TryRename(staged, LayerPath(digest));
        if (errno == 0)
        {
            return;
        }
        RemoveTree(staged);
        if (errno is not (Errno.EEXIST or 39 /* ENOTEMPTY */) || !HasLayer(digest))
        {
            throw new SyscallException("rename", LayerPath(digest), errno);
        }
    }

    /// <summary>
    /// Records, for as long as this process lives, that it uses <paramref name="layers"/>. A `run`
    /// pins its image's layers under the import lock, before it writes its spec, so a prune in
    /// between cannot take them; the pin goes when the process exits (or, if it was killed, at prune).
    /// </summary>
    public void PinForThisProcess(IEnumerable<Digest> layers)
    {
        string path = Path.Combine(TmpDir, $"{Environment.ProcessId}-pin-{Guid.NewGuid():N}");
        File.WriteAllLines(path, layers.Select(l => l.Hex));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
    }

    /// <summary>
    /// Removes a tree without ever exposing a half-removed layer under its name: it is renamed
    /// into tmp/ first. Symlinks are removed, never followed.
    /// </summary>
    public void RemoveTree(string path)
    {
        string doomed = path;
        if (!path.StartsWith(TmpDir + "/", StringComparison.Ordinal))
        {
            doomed = Path.Combine(TmpDir, $"{Environment.ProcessId}-rm-{Guid.NewGuid():N}");
            if (Sys.TryRename(path, doomed) != 0)
            {
                return;
            }
        }
        if (Sys.LstatType(doomed) == Sys.S_IFDIR)
        {
            try
            {
                Directory.Delete(doomed, recursive: true);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException && Rootless.LayerInUserNamespace.MapForRemoval() is { } map)
            {
                // Files a layer helper gave to the user's subordinate ids, or a layer's read-only directories:
                // root of the user's namespace may remove them, the user on the host may not.
                Rootless.LayerInUserNamespace.Remove(doomed, map);
            }
        }
        else
        {
            File.Delete(doomed);
        }
    }
}
