using System.Text;

namespace TinyDocker.TestAdapter;

/// <summary>
/// Shard <c>Index</c> of <c>Count</c> (1-based, "2/3"): the cases whose name hashes to it. The hash
/// is FNV-1a over the name's UTF-8 bytes, so the split is the same on every machine and in every
/// process, and n shards of one suite together run each case exactly once.
/// </summary>
internal readonly record struct Shard(int Index, int Count)
{
    public static Shard Parse(string text, string from)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count)
            || count < 1 || index < 1 || index > count)
        {
            throw new AdapterSettingsException($"invalid shard `{text}` in {from}: expected i/n with 1 <= i <= n, e.g. 2/3");
        }
        return new Shard(index, count);
    }

    public bool Contains(string caseName) => Count == 1 || (int)(Hash(caseName) % (uint)Count) == Index - 1;

    public override string ToString() => $"{Index}/{Count}";

    private static uint Hash(string s)
    {
        uint h = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            h = (h ^ b) * 16777619;
        }
        return h;
    }
}
