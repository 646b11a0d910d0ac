using System.Runtime.InteropServices;
using System.Text;

namespace TinyDocker.Runtime.Interop;

/// <summary>
/// Process creation through glibc's posix_spawn: no managed code runs between the clone and
/// the execve (docs/architecture.md), every signal is reset to its default and unblocked in the child,
/// and only the descriptors named in <c>fds</c> are passed on (everything .NET opens is close-on-exec).
/// </summary>
internal static unsafe partial class Sys
{
    private const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;

    /// <summary>Starts <paramref name="path"/>; returns the pid or the errno posix_spawn reported.</summary>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp,
        IReadOnlyList<(int From, int To)> fds, out int errno) => Spawn(path, argv, envp, fds, SpawnSession.Inherit, out errno);

    /// <summary>
    /// Starts <paramref name="path"/> in the session <paramref name="session"/> asks for. In a new
    /// session the child has no controlling terminal: a terminal it inherits as a descriptor is not
    /// its own, so TIOCSTI on it fails. With <see cref="SpawnSession.Terminal"/> the child's stdin,
    /// stdout and stderr are that terminal, opened after setsid and without O_NOCTTY, so it becomes
    /// the child's controlling terminal (glibc runs setsid before the file actions).
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp,
        IReadOnlyList<(int From, int To)> fds, SpawnSession session, out int errno)
    {
        using var terminalZ = new Utf8Z(session.TerminalPath ?? "");
        // glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on 64-bit; be generous.
        byte* fileActions = stackalloc byte[512];
        byte* attr = stackalloc byte[1024];
        byte* sigset = stackalloc byte[128];
        using var pathZ = new Utf8Z(path);
        using var argvZ = new Utf8ZArray(argv);
        using var envZ = new Utf8ZArray(envp);
        posix_spawn_file_actions_init_(fileActions);
        posix_spawnattr_init_(attr);
        try
        {
            foreach (var (from, to) in fds)
            {
                posix_spawn_file_actions_adddup2_(fileActions, from, to);
            }
            if (session.TerminalPath is not null)
            {
                posix_spawn_file_actions_addopen_(fileActions, 0, terminalZ.Pointer, O_RDWR, 0);
                posix_spawn_file_actions_adddup2_(fileActions, 0, 1);
                posix_spawn_file_actions_adddup2_(fileActions, 0, 2);
            }
            short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
            posix_spawnattr_setflags_(attr, session.NewSession ? (short)(flags | POSIX_SPAWN_SETSID) : flags);
            sigfillset_(sigset);
            posix_spawnattr_setsigdefault_(attr, sigset);
            sigemptyset_(sigset);
            posix_spawnattr_setsigmask_(attr, sigset);
            int pid;
            errno = posix_spawn_(&pid, pathZ.Pointer, fileActions, attr, argvZ.Pointer, envZ.Pointer);
            return errno == 0 ? pid : -1;
        }
        finally
        {
            posix_spawnattr_destroy_(attr);
            posix_spawn_file_actions_destroy_(fileActions);
        }
    }

    private const int O_RDWR = 2;

    /// <summary>A NUL-terminated UTF-8 copy of a string in native memory.</summary>
    private readonly struct Utf8Z : IDisposable
    {
        public Utf8Z(string s)
        {
            int n = Encoding.UTF8.GetByteCount(s);
            Pointer = (byte*)NativeMemory.Alloc((nuint)n + 1);
            Encoding.UTF8.GetBytes(s, new Span<byte>(Pointer, n));
            Pointer[n] = 0;
        }

        public byte* Pointer { get; }

        public void Dispose() => NativeMemory.Free(Pointer);
    }

    /// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings (argv, envp).</summary>
    private readonly struct Utf8ZArray : IDisposable
    {
        private readonly Utf8Z[] _items;

        public Utf8ZArray(IReadOnlyList<string> items)
        {
            _items = new Utf8Z[items.Count];
            Pointer = (byte**)NativeMemory.Alloc((nuint)(items.Count + 1), (nuint)sizeof(byte*));
            for (int i = 0; i < items.Count; i++)
            {
                _items[i] = new Utf8Z(items[i]);
                Pointer[i] = _items[i].Pointer;
            }
            Pointer[items.Count] = null;
        }

        public byte** Pointer { get; }

        public void Dispose()
        {
            foreach (var item in _items)
            {
                item.Dispose();
            }
            NativeMemory.Free(Pointer);
        }
    }
}

/// <summary>The session a spawned process starts in.</summary>
internal sealed record SpawnSession(bool NewSession, string? TerminalPath)
{
    /// <summary>The parent's session and controlling terminal: for the tool's own helpers, never for a container's command.</summary>
    public static readonly SpawnSession Inherit = new(false, null);

    /// <summary>A new session without a controlling terminal.</summary>
    public static readonly SpawnSession Detached = new(true, null);

    /// <summary>A new session whose controlling terminal (and stdin, stdout, stderr) is the terminal at <paramref name="path"/>.</summary>
    public static SpawnSession Terminal(string path) => new(true, path);
}
