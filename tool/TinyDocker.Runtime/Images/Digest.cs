using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace TinyDocker.Runtime.Images;

/// <summary>
/// A content digest, <c>sha256:HEX</c>. Only sha256 is accepted: its lowercase hex is what names a
/// layer's directory, so a store path never holds a character overlayfs treats specially.
/// </summary>
public readonly partial record struct Digest(string Hex)
{
    public const string Algorithm = "sha256";

    [GeneratedRegex(@"^[a-f0-9]{64}\z")]
    private static partial Regex HexRegex();

    public static Digest Parse(string text)
        => TryParse(text, out var d) ? d : throw new TinyDockerException($"invalid digest `{text}`: expected sha256:<64 hex digits>");

    public static bool TryParse(string? text, out Digest digest)
    {
        digest = default;
        if (text is null || !text.StartsWith(Algorithm + ":", StringComparison.Ordinal))
        {
            return false;
        }
        string hex = text[(Algorithm.Length + 1)..];
        if (!HexRegex().IsMatch(hex))
        {
            return false;
        }
        digest = new Digest(hex);
        return true;
    }

    public static Digest Of(ReadOnlySpan<byte> data) => new(Convert.ToHexStringLower(SHA256.HashData(data)));

    public static Digest FromHash(byte[] sha256) => new(Convert.ToHexStringLower(sha256));

    public string Short => Hex[..12];

    public override string ToString() => $"{Algorithm}:{Hex}";
}
