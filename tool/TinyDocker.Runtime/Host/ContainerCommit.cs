// Runs in: the host tool (`commit`), in the host's namespaces, while the container runs.
using System.Text;
using TinyDocker.Runtime.Cgroups;
using TinyDocker.Runtime.Images;
using TinyDocker.Runtime.Interop;
using TinyDocker.Runtime.State;
using static Tmds.Linux.LibC;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// `commit NAME IMAGE[:TAG]`: the container's upper layer (what its command changed in the root
/// filesystem; not the shared current directory, volumes or tmpfs mounts such as /tmp) becomes a
/// new layer on top of the stored image it runs, and a new image record with that image's config.
/// The layer is written as a gzip tar while the container is frozen, then imported through the
/// same extractor and digest checks as any pulled layer: what lands in the store is exactly what
/// the tar says, whatever the upper held.
/// </summary>
public static class ContainerCommit
{
    /// <param name="pause">Freeze the container during the copy (docker's default); without it a file written meanwhile may be caught half-way.</param>
    /// <param name="onFrozen">Called with the thaw action once frozen, so a signal handler can release the container.</param>
    public static ImageRecord Commit(LiveContainer c, string reference, bool pause, Action<Action>? onFrozen = null)
    {
        // Checked before anything is frozen or written; a digest reference names content, not a new image.
        var name = ImageReference.Parse(reference);
        if (reference.Contains('@'))
        {
            throw new TinyDockerException($"invalid image name `{reference}`: a commit is named by NAME[:TAG], not a digest");
        }
        string imageId = c.Spec.ImageId ?? throw new TinyDockerException(
            $"container `{c.Spec.Name}` runs on {(c.Spec.HostRootImage ? "the host's root" : "a directory used in place")}, not a stored image: "
            + "commit adds a layer to a stored image (`image import` the directory as a tarball, then `run --image`)");
        var store = ImageStore.Open();
        var baseImage = store.ReadImage(imageId) ?? throw new TinyDockerException($"image `{imageId}` of container `{c.Spec.Name}` is no longer in the store");
        string scratch = c.ScratchDir;
        store.EnsureCreated();
        using var importing = store.ImportLock(); // prune keeps the base layers and sees no half-import
        string tmp = store.NewTempDir("commit");
        try
        {
            LayerCommitter.Written layer;
            // Rootless there is no cgroup of the user's to freeze (only root may make cgroups here).
            using (var freezer = !pause ? null
                : Rootless.RootlessMode.Active ? throw NoFreezer(c.Spec.Name, "a rootless container has no cgroup of its own to freeze")
                : Freezer.TryFreeze(c.Spec, c.InitPid) ?? throw NoFreezer(c.Spec.Name, "no cgroup freezer here (cgroup v1 freezer, or a cgroup v2 cgroup of its own: run it with a limit such as --pids-limit)"))
            {
                if (freezer is not null)
                {
                    onFrozen?.Invoke(freezer.Dispose);
                }
                using var layers = Sys.OpenPath(scratch, O_PATH | O_DIRECTORY);
                using var upper = Sys.Openat2(layers.Value, "upper"u8, O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
                    Sys.ResolveBeneath | Sys.ResolveNoSymlinks | Sys.ResolveNoMagicLinks, "the container's upper layer");
                layer = LayerCommitter.Write(upper, Path.Combine(tmp, "layer.tar.gz"), c.Spec.UserNamespace);
            }
            using var staging = new LayerImporter(store);
            staging.Add(() => File.OpenRead(layer.Path), layer.Digest, $"the layer of `{c.Spec.Name}`", diffId: layer.DiffId);
            staging.Commit();
            var image = new ImageRecord
            {
                Id = Digest.Of(Encoding.UTF8.GetBytes($"tinydocker commit\n{baseImage.Id}\n{layer.Digest}\n{layer.DiffId}\n")).ToString(),
                Layers = [.. baseImage.Layers, layer.Digest.ToString()],
                Config = baseImage.Config,
                Source = $"commit of {c.Spec.Name}",
                Created = DateTimeOffset.UtcNow,
                Size = baseImage.Size + new FileInfo(layer.Path).Length,
            };
            image = image with { UnpackedSize = store.UnpackedSize(image) };
            store.SaveImage(image, [name.ToString()]);
            return image;
        }
        finally
        {
            store.RemoveTree(tmp);
        }
    }

    private static TinyDockerException NoFreezer(string name, string why)
        => new($"cannot pause container `{name}` for the commit: {why}; --pause=false commits it running");
}
