namespace TinyDocker.Testing;

/// <summary>A fact that runs the tool as an ordinary user (rootless); skipped with the reason when it cannot.</summary>
public sealed class RootlessFactAttribute : FactAttribute
{
    public RootlessFactAttribute()
    {
        if (RootlessUser.SkipReason is { } reason)
        {
            Skip = $"rootless: {reason}";
        }
    }
}

/// <summary>A theory that runs the tool as an ordinary user (rootless); skipped with the reason when it cannot.</summary>
public sealed class RootlessTheoryAttribute : TheoryAttribute
{
    public RootlessTheoryAttribute()
    {
        if (RootlessUser.SkipReason is { } reason)
        {
            Skip = $"rootless: {reason}";
        }
    }
}
