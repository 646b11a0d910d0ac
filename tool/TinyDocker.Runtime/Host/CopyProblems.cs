// Runs in: the host tool (the supervisor), while it copies results out of a container.
namespace TinyDocker.Runtime.Host;

/// <summary>
/// What a copy out of a container could not write: one line per problem on stderr (capped), so
/// that nothing is lost silently, and a flag that turns a run's exit 0 into 125.
/// </summary>
internal sealed class CopyProblems(TextWriter stderr, string operation)
{
    private const int MaxLines = 20;

    public int Count { get; private set; }

    public bool Any => Count > 0;

    public void Add(string path, string reason)
    {
        if (++Count <= MaxLines)
        {
            stderr.WriteLine($"tinydocker: {operation}: `{path}` not copied: {reason}");
        }
    }

    /// <summary>Says how many lines the cap left out.</summary>
    public void Finish()
    {
        if (Count > MaxLines)
        {
            stderr.WriteLine($"tinydocker: {operation}: and {Count - MaxLines} more not copied");
        }
    }

    /// <summary>A name as a message shows it: invalid UTF-8 and control characters (a newline) as '?'.</summary>
    public static string Show(ReadOnlySpan<byte> name)
        => new(System.Text.Encoding.UTF8.GetString(name).Select(c => char.IsControl(c) || c == '\uFFFD' ? '?' : c).ToArray());
}
