// Runs in: tinydocker-init. Reads the plan the tool sends (Init/NativeInitPlan.cs in the tool).
namespace TinyInit;

/// <summary>
/// A cursor over the plan: little-endian numbers and byte strings, each string its length, its
/// bytes and a NUL (so it is used where it lies), or the length 0xFFFFFFFF alone for none. Reading
/// past the end ends the init: the plan comes from the tool, and a short one is a broken tool.
/// </summary>
internal unsafe struct Plan
{
    private byte* _at;
    private byte* _end;

    public const uint Magic = 0x31494454; // "TDI1"

    public static Plan Over(byte* buffer, nint length) => new Plan { _at = buffer, _end = buffer + length };

    public byte U8() => *Take(1);

    public uint U32()
    {
        byte* p = Take(4);
        return p[0] | (uint)p[1] << 8 | (uint)p[2] << 16 | (uint)p[3] << 24;
    }

    public ulong U64() => U32() | (ulong)U32() << 32;

    /// <summary>A byte string, or null.</summary>
    public byte* Str()
    {
        uint length = U32();
        if (length == 0xFFFFFFFF)
        {
            return null;
        }
        byte* p = Take((nint)length + 1);
        if (p[length] != 0)
        {
            Report.Fail("read the plan", null, Libc.EINVAL, -1);
        }
        return p;
    }

    public byte* Bytes(nint count) => Take(count);

    /// <summary>The next <paramref name="count"/> strings as a NULL-terminated array (argv, envp).</summary>
    public byte** Strings(uint count)
    {
        byte** list = (byte**)Text.Alloc((nint)(count + 1) * sizeof(byte*));
        for (uint i = 0; i < count; i++)
        {
            list[i] = Str();
        }
        list[count] = null;
        return list;
    }

    private byte* Take(nint count)
    {
        if (count < 0 || count > _end - _at)
        {
            Report.Fail("read the plan", null, Libc.EINVAL, -1);
        }
        byte* p = _at;
        _at += count;
        return p;
    }
}
