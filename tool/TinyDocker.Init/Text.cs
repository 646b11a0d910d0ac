// Runs in: tinydocker-init. Byte strings without a runtime.
namespace TinyInit;

/// <summary>
/// NUL-terminated byte strings in memory from malloc: there is no collector, and nothing is
/// freed (the plan's paths point into its own buffer; the few paths made here live until the
/// init execs nothing and exits).
/// </summary>
internal static unsafe class Text
{
    public static byte* Alloc(nint size)
    {
        byte* p = (byte*)Libc.malloc((nuint)size);
        if (p == null)
        {
            Libc._exit(125);
        }
        return p;
    }

    public static nint Length(byte* s)
    {
        nint n = 0;
        while (s[n] != 0)
        {
            n++;
        }
        return n;
    }

    public static bool IsDotDot(byte* s) => s[0] == '.' && s[1] == '.' && s[2] == 0;

    public static bool Equal(byte* a, byte* b)
    {
        nint i = 0;
        for (; a[i] != 0; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }
        return b[i] == 0;
    }

    /// <summary>A literal (ASCII) as a byte string.</summary>
    public static byte* Of(string text)
    {
        byte* p = Alloc(text.Length + 1);
        fixed (char* t = text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                p[i] = (byte)t[i];
            }
        }
        p[text.Length] = 0;
        return p;
    }

    /// <summary><paramref name="dir"/> without its trailing slashes, "/", then <paramref name="name"/> (the root: "/" + name).</summary>
    public static byte* Join(byte* dir, byte* name)
    {
        nint d = Length(dir);
        while (d > 0 && dir[d - 1] == '/')
        {
            d--;
        }
        nint n = Length(name);
        byte* p = Alloc(d + n + 2);
        Copy(dir, p, d);
        p[d] = (byte)'/';
        Copy(name, p + d + 1, n);
        p[d + 1 + n] = 0;
        return p;
    }

    /// <summary>
    /// A path inside the root split into its parent and its last name, "." and empty names dropped;
    /// the root's parent is the root and its name "..", as the kernel has it.
    /// </summary>
    public static void Split(byte* path, out byte* parent, out byte* name)
    {
        nint n = Length(path);
        byte* normal = Alloc(n + 2);
        nint length = 0, last = -1;
        for (nint i = 0; i < n;)
        {
            while (i < n && path[i] == '/')
            {
                i++;
            }
            nint start = i;
            while (i < n && path[i] != '/')
            {
                i++;
            }
            nint size = i - start;
            if (size == 0 || (size == 1 && path[start] == '.'))
            {
                continue;
            }
            last = length;
            normal[length++] = (byte)'/';
            Copy(path + start, normal + length, size);
            length += size;
        }
        normal[length] = 0;
        if (last < 0)
        {
            parent = Of("/");
            name = Of("..");
            return;
        }
        name = normal + last + 1;
        if (last == 0)
        {
            parent = Of("/");
        }
        else
        {
            normal[last] = 0;
            parent = normal;
        }
    }

    public static void Copy(byte* from, byte* to, nint count)
    {
        for (nint i = 0; i < count; i++)
        {
            to[i] = from[i];
        }
    }
}

/// <summary>One line for the report pipe or stderr, built in pieces and written at once (a pipe write of it is atomic).</summary>
internal unsafe struct Line
{
    private byte* _buffer;
    private nint _length;
    private nint _capacity;

    public static Line Start(nint capacity)
    {
        var line = new Line { _capacity = capacity + 64 };
        line._buffer = Text.Alloc(line._capacity);
        return line;
    }

    /// <summary>What was added so far (add "\0" first to use it as a byte string).</summary>
    public byte* Buffer => _buffer;

    public void Add(string text)
    {
        fixed (char* t = text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                Put((byte)t[i]);
            }
        }
    }

    public void Add(byte* text)
    {
        for (nint i = 0; text[i] != 0; i++)
        {
            Put(text[i]);
        }
    }

    public void Add(long value)
    {
        if (value < 0)
        {
            Put((byte)'-');
            value = -value;
        }
        byte* digits = Text.Alloc(24);
        int n = 0;
        do
        {
            digits[n++] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
        while (value > 0);
        while (n > 0)
        {
            Put(digits[--n]);
        }
    }

    /// <summary>Bytes as hexadecimal digits: a path may hold spaces or newlines.</summary>
    public void AddHex(byte* text)
    {
        for (nint i = 0; text[i] != 0; i++)
        {
            Put(Hex(text[i] >> 4));
            Put(Hex(text[i] & 15));
        }
    }

    private static byte Hex(int digit) => (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);

    private void Put(byte b)
    {
        if (_length < _capacity)
        {
            _buffer[_length++] = b;
        }
    }

    public void Send(int fd)
    {
        nint done = 0;
        while (done < _length)
        {
            nint n = Libc.write(fd, _buffer + done, _length - done);
            if (n < 0 && Libc.Errno == Libc.EINTR)
            {
                continue;
            }
            if (n <= 0)
            {
                return;
            }
            done += n;
        }
    }
}
