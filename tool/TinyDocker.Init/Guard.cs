// Runs in: tinydocker-init, before its first mount.
namespace TinyInit;

/// <summary>
/// The tool's Init/InitGuard.cs, for this init: it mounts over "/" and pivots, so it proceeds
/// only as PID 1 of a new PID namespace whose mount namespace differs from its parent's (rootless:
/// its grandparent's, or, when that cannot be read, a mount namespace made in its own user
/// namespace). Run by hand on the host it refuses, with the same words.
/// </summary>
internal static unsafe class Guard
{
    private const ulong NS_GET_USERNS = 0xb701;

    public static void Check()
    {
        if (Libc.getpid() != 1)
        {
            Report.Refuse("init refuses to run: it is not PID 1 of a new PID namespace (it is started by `tinydocker run`, not by hand)");
        }
        // /proc is still the host's here, so /proc/PID/status names the parent by its host pid.
        byte* self = NamespaceOf(Text.Of("self"));
        if (self == null)
        {
            Report.Refuse("cannot read this process's mount namespace");
        }
        byte* ppid = ParentOf(Text.Of("self"));
        byte* parent = ppid == null ? self : NamespaceOf(ppid);
        if (parent == null || Text.Equal(parent, self))
        {
            byte* grandparent = ppid == null ? null : ParentOf(ppid);
            if (grandparent != null)
            {
                parent = NamespaceOf(grandparent);
            }
        }
        if (parent == null && InOwnUserNamespace())
        {
            if (!MountNamespaceIsOwn())
            {
                Report.Refuse("init refuses to run: its mount namespace was not made in its user namespace");
            }
            return;
        }
        if (parent == null)
        {
            Report.Refuse("init refuses to run: cannot read the mount namespace of its parent or grandparent");
        }
        if (Text.Equal(self, parent))
        {
            Report.Refuse("init refuses to run: its mount namespace is its parent's");
        }
    }

    /// <summary>The link /proc/PID/ns/mnt, or null when it cannot be read (EACCES: outside this user namespace).</summary>
    private static byte* NamespaceOf(byte* pid)
    {
        byte* path = Text.Join(Text.Join(Text.Of("/proc"), pid), Text.Of("ns/mnt"));
        byte* link = Text.Alloc(256);
        nint n = Libc.readlink(path, link, 255);
        if (n < 0)
        {
            return null;
        }
        link[n] = 0;
        return link;
    }

    /// <summary>The PPid of /proc/PID/status, or null for none (0).</summary>
    private static byte* ParentOf(byte* pid)
    {
        byte* status = ReadFile(Text.Join(Text.Join(Text.Of("/proc"), pid), Text.Of("status")));
        if (status == null)
        {
            return null;
        }
        for (byte* line = status; *line != 0;)
        {
            if (line[0] == 'P' && line[1] == 'P' && line[2] == 'i' && line[3] == 'd' && line[4] == ':')
            {
                byte* digits = line + 5;
                while (*digits == ' ' || *digits == '\t')
                {
                    digits++;
                }
                nint n = 0;
                while (digits[n] >= '0' && digits[n] <= '9')
                {
                    n++;
                }
                digits[n] = 0;
                return n == 0 || (n == 1 && digits[0] == '0') ? null : digits;
            }
            while (*line != 0 && *line != '\n')
            {
                line++;
            }
            if (*line == '\n')
            {
                line++;
            }
        }
        return null;
    }

    /// <summary>True when this process's user namespace is not the initial one, whose map is "0 0 4294967295".</summary>
    private static bool InOwnUserNamespace()
    {
        byte* map = Guard.ReadFile(Text.Of("/proc/self/uid_map"));
        if (map == null)
        {
            return false;
        }
        byte* zero = Text.Of("0"), all = Text.Of("4294967295");
        int fields = 0;
        for (nint i = 0; map[i] != 0;)
        {
            if (map[i] == ' ' || map[i] == '\n' || map[i] == '\t')
            {
                i++;
                continue;
            }
            nint start = i;
            while (map[i] != 0 && map[i] != ' ' && map[i] != '\n' && map[i] != '\t')
            {
                i++;
            }
            byte end = map[i];
            map[i] = 0;
            bool expected = fields < 2 ? Text.Equal(map + start, zero) : fields == 2 && Text.Equal(map + start, all);
            map[i] = end;
            if (!expected)
            {
                return true;
            }
            fields++;
        }
        return fields != 3;
    }

    /// <summary>Whether this process's mount namespace is owned by its user namespace (NS_GET_USERNS).</summary>
    private static bool MountNamespaceIsOwn()
    {
        int ns = Libc.open(Text.Of("/proc/self/ns/mnt"), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (ns < 0)
        {
            Report.Refuse("cannot read this process's mount namespace");
        }
        int owner = Libc.ioctl(ns, NS_GET_USERNS, null);
        Libc.close(ns);
        if (owner < 0)
        {
            return false; // EPERM: the owner is outside this user namespace, an ancestor's
        }
        byte* a = Text.Alloc(Libc.StatSize), b = Text.Alloc(Libc.StatSize);
        bool same = Libc.fstat(owner, a) == 0 && Libc.stat(Text.Of("/proc/self/ns/user"), b) == 0
            && *(ulong*)a == *(ulong*)b && *(ulong*)(a + 8) == *(ulong*)(b + 8); // st_dev, st_ino
        Libc.close(owner);
        return same;
    }

    /// <summary>A small file (of /proc) as a byte string, or null.</summary>
    public static byte* ReadFile(byte* path)
    {
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return null;
        }
        const int Size = 16384;
        byte* buffer = Text.Alloc(Size + 1);
        nint total = 0;
        while (total < Size)
        {
            nint n = Libc.read(fd, buffer + total, Size - total);
            if (n < 0 && Libc.Errno == Libc.EINTR)
            {
                continue;
            }
            if (n <= 0)
            {
                break;
            }
            total += n;
        }
        Libc.close(fd);
        buffer[total] = 0;
        return buffer;
    }
}
