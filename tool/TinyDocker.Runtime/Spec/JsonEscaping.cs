// Runs in: the host tool (it writes the spec and the exit record by hand).
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace TinyDocker.Runtime.Spec;

/// <summary>
/// The escaping of the JSON written by hand: the serializer's default (Basic Latin as is; quotes,
/// backslash, HTML-sensitive and control characters and everything beyond ASCII escaped), in an
/// encoder of its own. <see cref="JavaScriptEncoder.Default"/> lives in a type whose static
/// constructor also builds the relaxed encoder's table of all 65,536 UTF-16 code units, and a
/// writer without an encoder of its own asks Default about every name and string it writes:
/// 1 % of a run's CPU, in the tool (bench/notes.md). An encoder created here never runs it.
/// </summary>
public static class JsonEscaping
{
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.BasicLatin);
}
