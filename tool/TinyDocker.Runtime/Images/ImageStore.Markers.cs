// Runs in: the host tool, before a layer is written into the store.
namespace TinyDocker.Runtime.Images;

/// <summary>
/// A store holds layers of one marker convention only: root's opaque directories carry
/// trusted.overlay.opaque, an ordinary user's user.overlay.opaque (see <see cref="MarkerXattrs"/>).
/// Root's and a user's default stores are different places already; a store named by TINYDOCKER_DATA
/// could still be shared, so the first layer written claims the store for its convention in
/// `overlay-markers`, and a writer of the other convention is refused rather than mixing them.
/// </summary>
public sealed partial class ImageStore
{
    private string MarkersFile => Path.Combine(Root, "overlay-markers");

    /// <summary>Records <paramref name="mine"/> as the store's convention, or throws (one line) if the store has the other one.</summary>
    internal void ClaimMarkers(MarkerXattrs mine)
    {
        string word = mine == MarkerXattrs.User ? "user" : "trusted";
        if (!File.Exists(MarkersFile))
        {
            // A layer already here was written by this store's own kind of writer: root's before markers
            // were recorded used trusted.*, and a user's could not hold any marker at all. Written whole
            // beside it, then moved there without replacing (link(2)): a concurrent import never reads
            // the file empty, as it could between another's create and write (seen in CI).
            string mineFile = $"{MarkersFile}.{Environment.ProcessId}.{Guid.NewGuid():N}";
            try
            {
                File.WriteAllText(mineFile, word + "\n");
                File.Move(mineFile, MarkersFile, overwrite: false);
                return;
            }
            catch (IOException) when (File.Exists(MarkersFile))
            {
                // another import claimed it first: check theirs below
            }
            finally
            {
                File.Delete(mineFile);
            }
        }
        string theirs = File.ReadAllText(MarkersFile).Trim();
        if (theirs != word)
        {
            throw new TinyDockerException(mine == MarkerXattrs.User
                ? $"the image store `{Root}` is root's (its layers' overlay markers are trusted.overlay.*, which an ordinary user cannot write): set TINYDOCKER_DATA to a store of your own"
                : $"the image store `{Root}` is an ordinary user's (its layers' overlay markers are user.overlay.*, which a rootful overlay ignores): set TINYDOCKER_DATA to another store");
        }
    }
}
