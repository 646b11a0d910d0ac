// Runs in: the host tool: finds a program of the tool's own built beside it (tool/TinyDocker.RuntimeFree).
using System.Runtime.InteropServices;
using TinyDocker.Runtime.Interop;

namespace TinyDocker.Runtime.Host;

/// <summary>
/// A program the tool's build puts beside the tool's executable or assembly (the first step, the
/// init). Only a file no one but root and the caller could have written is run: a regular file
/// (not a symlink) owned by one of them, in a directory owned by one of them, neither writable by
/// group or others, an ELF executable for this machine. NuGet extracts a package's files without
/// their execute bits: the caller's own copy gets them back.
/// </summary>
internal static class BesideTool
{
    private const uint GroupOrOtherWrite = 0b000_010_010;

    /// <summary>The path to run, or null and why not.</summary>
    public static (string? Path, string Why) Find(string fileName)
    {
        string dir = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        string path = Path.Combine(dir, fileName);
        if (Untrusted(dir, Sys.S_IFDIR, out _) is { } dirWhy)
        {
            return (null, $"its directory {dir} {dirWhy}");
        }
        if (Untrusted(path, Sys.S_IFREG, out var file) is { } why)
        {
            return (null, $"{path} {why}");
        }
        if (!IsForThisMachine(path))
        {
            return (null, $"{path} is not an executable for this machine");
        }
        return MakeExecutable(path, file) ? (path, "") : (null, $"{path} is not executable and not the caller's to change");
    }

    /// <summary>Why <paramref name="path"/> cannot be trusted, or null when it can (then <paramref name="st"/> is what lstat said).</summary>
    private static string? Untrusted(string path, uint type, out (uint Type, uint Permissions, uint Uid) st)
    {
        var found = Sys.LstatOwner(path);
        st = found ?? default;
        uint caller = Sys.GetEffectiveUid();
        return found switch
        {
            null => "does not exist",
            { Type: var t } when t != type => type == Sys.S_IFDIR ? "is not a directory" : "is not a regular file",
            { Uid: var uid } when uid != 0 && uid != caller => $"is owned by uid {uid}, neither root nor the caller",
            { Permissions: var p } when (p & GroupOrOtherWrite) != 0 => "is writable by group or others",
            _ => null,
        };
    }

    /// <summary>An ELF file for this process's architecture (the tool's bundle carries one build for all machines).</summary>
    private static bool IsForThisMachine(string path)
    {
        ushort machine = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 62, // EM_X86_64
            Architecture.Arm64 => 183, // EM_AARCH64
            _ => 0,
        };
        Span<byte> header = stackalloc byte[20];
        try
        {
            using var file = File.OpenHandle(path);
            return RandomAccess.Read(file, header, 0) == header.Length && header[..4].SequenceEqual("\u007fELF"u8)
                && System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header[18..]) == machine && machine != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Execute bits for all, given back to the caller's own copy (<paramref name="st"/>: its lstat, already checked).</summary>
    private static bool MakeExecutable(string path, (uint Type, uint Permissions, uint Uid) st)
    {
        const uint exec = 0b001_001_001;
        if ((st.Permissions & exec) == exec)
        {
            return true;
        }
        if (st.Uid != Sys.GetEffectiveUid())
        {
            return false;
        }
        try
        {
            File.SetUnixFileMode(path, (UnixFileMode)(st.Permissions | exec));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
