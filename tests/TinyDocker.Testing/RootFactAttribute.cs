namespace TinyDocker.Testing;

/// <summary>
/// A fact that needs real root, not the root of a rootless container's user namespace; skipped
/// as an ordinary user with <c>needs root: REASON</c>. Give the reason (what rootless cannot do),
/// so a rootless run says what it did not cover.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    internal const string Unclassified = "this suite is not run rootless yet (CI runs it as root)";

    /// <summary>For suites not yet classified: CI runs them as root only.</summary>
    public RootFactAttribute()
        : this(Unclassified)
    {
    }

    public RootFactAttribute(string reason)
    {
        if (!Machine.IsRoot)
        {
            Skip = $"needs root: {reason}";
        }
    }
}

/// <summary>A theory that needs real root, as <see cref="RootFactAttribute"/>.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    private const string Unclassified = RootFactAttribute.Unclassified;

    /// <summary>For suites not yet classified: CI runs them as root only.</summary>
    public RootTheoryAttribute()
        : this(Unclassified)
    {
    }

    public RootTheoryAttribute(string reason)
    {
        if (!Machine.IsRoot)
        {
            Skip = $"needs root: {reason}";
        }
    }
}
