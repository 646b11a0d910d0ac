namespace TinyDocker.Testing;

/// <summary>A fact that needs root (namespaces, mounts); skipped with the reason when not root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Machine.IsRoot)
        {
            Skip = "needs root: it creates namespaces and mounts (CI runs as root)";
        }
    }
}

/// <summary>A theory that needs root; skipped with the reason when not root.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute()
    {
        if (!Machine.IsRoot)
        {
            Skip = "needs root: it creates namespaces and mounts (CI runs as root)";
        }
    }
}
