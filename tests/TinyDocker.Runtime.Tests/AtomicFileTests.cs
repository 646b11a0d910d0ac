using System.Text;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Tests;

/// <summary>Sys.WriteFileAtomically, the one writer of the state root's records: a reader never sees part of one.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinydocker-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Records of different lengths, each a run of one letter ending in a newline: a torn read shows
    // as a wrong length for its letter, mixed letters, or an empty file.
    private static string Record(int i) => new string((char)('a' + i % 26), 1000 + i % 7 * 20_000) + "\n";

    private static bool IsRecordOf(string text)
        => text.Length > 1 && text[^1] == '\n' && (text.Length - 1001) % 20_000 == 0
           && text.AsSpan(0, text.Length - 1).IndexOfAnyExcept(text[0]) < 0;

    /// <summary>Counts the torn reads a concurrent reader sees while <paramref name="write"/> rewrites the file.</summary>
    private static (int Reads, int Torn) Race(string path, Action<string, string> write, TimeSpan atMost, bool stopAtFirstTorn)
    {
        write(path, Record(0));
        int torn = 0, reads = 0;
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                string text;
                try
                {
                    text = File.ReadAllText(path);
                }
                catch (FileNotFoundException)
                {
                    continue;
                }
                reads++;
                if (!IsRecordOf(text))
                {
                    torn++;
                    if (stopAtFirstTorn)
                    {
                        return;
                    }
                }
            }
        });
        var deadline = DateTime.UtcNow + atMost;
        for (int i = 1; DateTime.UtcNow < deadline && !reader.IsCompleted; i++)
        {
            write(path, Record(i));
        }
        stop.Cancel();
        reader.GetAwaiter().GetResult();
        return (reads, torn);
    }

    [Fact]
    public void A_concurrent_reader_sees_only_whole_records_and_no_temporary_file_is_left()
    {
        string path = Path.Combine(_dir, "pid");
        var (reads, torn) = Race(path, (p, text) => Sys.WriteFileAtomically(p, text, 0b110_000_000), TimeSpan.FromSeconds(2), stopAtFirstTorn: false);

        Assert.True(reads > 100, $"only {reads} reads");
        Assert.Equal(0, torn);
        Assert.Equal(["pid"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Counter_proof_a_write_in_place_is_seen_torn()
    {
        // What the state root's files were written with before: create (truncate), then write.
        string path = Path.Combine(_dir, "pid");
        var (_, torn) = Race(path, File.WriteAllText, TimeSpan.FromSeconds(20), stopAtFirstTorn: true);

        Assert.True(torn > 0);
    }

    [Fact]
    public void A_link_at_the_name_is_replaced_not_written_through()
    {
        string victim = Path.Combine(_dir, "victim");
        File.WriteAllText(victim, "host file\n");
        string path = Path.Combine(_dir, "exit.json");
        File.CreateSymbolicLink(path, victim);

        Sys.WriteFileAtomically(path, "{}\n", 0b110_000_000, durable: true);

        Assert.Equal("host file\n", File.ReadAllText(victim));
        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.Equal("{}\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_failed_write_leaves_neither_the_record_nor_a_temporary_file()
    {
        string missingDir = Path.Combine(_dir, "gone", "pid");
        var e = Assert.Throws<SyscallException>(() => Sys.WriteFileAtomically(missingDir, "1\n", 0b110_000_000));
        Assert.Contains("gone", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }
}
