using TinyDocker.Runtime;

namespace TinyDocker.Cli.Commands;

/// <summary>`--env-file FILE`: docker's KEY=VALUE lines, read strictly (a file is user input too).</summary>
internal static class EnvFile
{
    /// <summary>
    /// KEY=VALUE lines of UTF-8 text; blank lines and lines starting with # are skipped. A line that
    /// is not text (a binary file, a NUL, an escape sequence) is refused by its number, never echoed.
    /// </summary>
    public static IEnumerable<string> Entries(IEnumerable<string?> files)
    {
        var strict = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        foreach (var file in files.OfType<string>())
        {
            if (!File.Exists(file))
            {
                throw new TinyDockerException($"env file `{file}` does not exist");
            }
            byte[][] lines = SplitLines(ReadAtMost(file, MaxEnvFileBytes));
            for (int i = 0; i < lines.Length; i++)
            {
                string text;
                try
                {
                    text = strict.GetString(lines[i]);
                }
                catch (System.Text.DecoderFallbackException)
                {
                    throw new TinyDockerException($"env file `{file}` line {i + 1}: not UTF-8 text, expected KEY=VALUE");
                }
                string entry = text.Trim();
                if (entry.Length == 0 || entry.StartsWith('#'))
                {
                    continue;
                }
                if (entry.Any(c => char.IsControl(c) && c != '\t'))
                {
                    throw new TinyDockerException($"env file `{file}` line {i + 1}: a control character in it, expected KEY=VALUE text");
                }
                yield return entry;
            }
        }
    }

    /// <summary>An environment file is a few lines: a larger one (or /dev/zero) is refused, not read forever.</summary>
    private const int MaxEnvFileBytes = 1 << 20;

    private static byte[] ReadAtMost(string file, int max)
    {
        using var stream = File.OpenRead(file);
        var buffer = new MemoryStream();
        var chunk = new byte[65536];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > max)
            {
                throw new TinyDockerException($"env file `{file}` is larger than {max >> 20} MiB: expected KEY=VALUE lines");
            }
        }
        return buffer.ToArray();
    }

    private static byte[][] SplitLines(byte[] bytes)
    {
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == (byte)'\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }
        return [.. lines];
    }
}
