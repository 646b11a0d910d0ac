namespace TinyDocker.Runtime.Images.Registry;

/// <summary>`image pull`: fetches an image through the same pipeline as an import, and names it as given.</summary>
public static class ImagePuller
{
    public static ImageRecord Pull(ImageStore store, ImageReference reference, bool insecure, Progress progress, Platform? platform = null)
    {
        store.EnsureCreated();
        using var importing = store.ImportLock();
        using var client = new RegistryClient(reference, insecure);
        var image = ManifestImporter.Import(store, new RegistrySource(client, reference), reference.ToString(),
                ImageChoice.Default with { TagHint = reference.Tag, Platform = platform ?? Platform.Host }, progress);
        image = image with { Source = reference.ToString(), UnpackedSize = store.UnpackedSize(image) };
        store.SaveImage(image, [reference.ToString()]);
        return image;
    }
}
