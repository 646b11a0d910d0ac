namespace TinyDocker.Runtime.Mounts;

/// <summary>
/// Resolves a path inside a container root the way the container itself will see it:
/// symlinks, absolute or relative, are followed but never out of the root (as runc's securejoin).
/// An image with <c>/work -> /etc</c> must not make the host's /etc a mount target.
/// </summary>
public static class RootPath
{
    private const int MaxSymlinks = 40;

    public static string Resolve(string root, string containerPath)
    {
        var pending = new Stack<string>(Split(containerPath).Reverse());
        var resolved = new List<string>();
        int links = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            string candidate = Join(root, resolved.Append(part));
            string? target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }
            if (++links > MaxSymlinks)
            {
                throw new TinyDockerException($"too many levels of symbolic links resolving `{containerPath}` in the image");
            }
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }
            foreach (var t in Split(target).Reverse())
            {
                pending.Push(t);
            }
        }
        return Join(root, resolved);
    }

    private static IEnumerable<string> Split(string path)
        => path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".");

    private static string Join(string root, IEnumerable<string> parts)
    {
        string rest = string.Join('/', parts);
        return rest.Length == 0 ? root : $"{root.TrimEnd('/')}/{rest}";
    }
}
