namespace TinyDocker.Runtime.Images.Registry;

/// <summary>`image pull`: fetches an image through the same pipeline as an import, and names it as given.</summary>
public static class ImagePuller
{
    public static ImageRecord Pull(ImageStore store, ImageReference reference, bool insecure, Progress progress)
    {
        store.EnsureCreated();
        using var importing = store.ImportLock();
        using var client = new RegistryClient(reference, insecure);
        var image = ManifestImporter.Import(store, new RegistrySource(client, reference), reference.ToString(), reference.Tag, progress)
            with { Source = reference.ToString() };
        store.SaveImage(image, [reference.ToString()]);
        return image;
    }
}
