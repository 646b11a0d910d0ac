// Runs in: the host tool (image import, pull and run --image), before any container exists.
namespace TinyDocker.Runtime.Images;

/// <summary>
/// Picks one entry of an OCI index, as docker and skopeo do: the entry named by tag or digest when
/// the user named one, then the one for the wanted platform; entries that say no platform (a
/// layout's tags) are taken only when none says one. Several images left and nothing to choose by
/// is refused, naming them: importing whichever is first would be a guess.
/// </summary>
internal static class IndexChooser
{
    public static Descriptor Choose(IReadOnlyList<Descriptor> entries, string where, ImageChoice choice, bool topLevel)
    {
        var images = entries
            .Where(e => MediaTypes.Indexes.Contains(e.MediaType) || MediaTypes.Manifests.Contains(e.MediaType) || e.MediaType.Length == 0)
            .ToList();
        if (topLevel)
        {
            images = ByName(images, where, choice);
        }
        var forPlatform = images.Where(e => e.Os is not null && choice.Platform.Matches(e)).DistinctBy(e => e.Digest).ToList();
        var unsaid = images.Where(e => e.Os is null).DistinctBy(e => e.Digest).ToList();
        var pool = forPlatform.Count > 0 ? forPlatform : unsaid;
        return pool.Count switch
        {
            1 => pool[0],
            0 => throw new TinyDockerException($"`{where}`: no image for {choice.Platform} in the index (it has: "
                                               + $"{string.Join(", ", images.Select(Platform.Describe).Distinct())}): choose one with --platform"),
            _ when forPlatform.Count > 0 => throw new TinyDockerException($"`{where}`: the index holds {pool.Count} images for {choice.Platform} "
                                               + $"({string.Join(", ", pool.Select(Label))}): choose one with --platform OS/ARCH/VARIANT or by digest (`{where}@sha256:…`)"),
            _ => throw new TinyDockerException($"`{where}`: the index holds {pool.Count} images ({string.Join(", ", pool.Select(Label))}): "
                                               + $"choose one by tag (`{where}:TAG`) or digest (`{where}@sha256:…`)"),
        };
    }

    private static List<Descriptor> ByName(List<Descriptor> images, string where, ImageChoice choice)
    {
        if (choice.Digest is { } digest)
        {
            return images.Where(e => e.Digest == digest).ToList() is { Count: > 0 } byDigest
                ? byDigest
                : throw new TinyDockerException($"`{where}`: no image {digest} in the index (it has: {string.Join(", ", images.Select(Label))})");
        }
        if (choice.Tag is { } tag)
        {
            return images.Where(e => ImageChoice.Names(e.RefName, tag)).ToList() is { Count: > 0 } byTag
                ? byTag
                : throw new TinyDockerException($"`{where}`: no image tagged `{tag}` in the index (it has: {string.Join(", ", images.Select(Label))})");
        }
        return choice.TagHint is { } hint && images.Where(e => ImageChoice.Names(e.RefName, hint)).ToList() is { Count: > 0 } hinted
            ? hinted
            : images;
    }

    private static string Label(Descriptor d)
    {
        string name = d.RefName ?? d.Digest.ToString();
        return d.Os is null ? name : $"{name} {Platform.Describe(d)}";
    }
}
