// Runs in: the host tool (it writes the spec, the status records and the exit record by hand).
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace TinyDocker.Runtime.Spec;

/// <summary>
/// What the JSON written by hand (the spec, --json-status records, exit records) shares. The
/// serializer would build its metadata again in every process that writes one (bench/notes.md).
/// </summary>
public static class HandWrittenJson
{
    /// <summary>
    /// The serializer's default escaping (Basic Latin as is; quotes, backslash, HTML-sensitive and
    /// control characters and everything beyond ASCII escaped), in an encoder of its own.
    /// <see cref="JavaScriptEncoder.Default"/> lives in a type whose static constructor also builds
    /// the relaxed encoder's table of all 65,536 UTF-16 code units, and a writer without an encoder
    /// of its own asks Default about every name and string it writes: 1 % of a run's CPU, in the
    /// tool. An encoder created here never runs it.
    /// </summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.BasicLatin);

    private static readonly JsonWriterOptions OneLine = new() { Encoder = Encoder };

    /// <summary>One JSON object on one line, its members written by <paramref name="members"/>.</summary>
    public static string Object(Action<Utf8JsonWriter> members, int sizeHint = 256)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(sizeHint);
        using (var w = new Utf8JsonWriter(buffer, OneLine))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A number, or null when there is none (as the serializer writes a long?).</summary>
    public static void Number(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
