using System.Text;

namespace TinyDocker.Cli.Help;

/// <summary>
/// Every verb's standard output, less McMaster's parse-error hint ("Specify --help for a list of
/// available options and commands."): it names neither the program nor the verb and goes to stdout.
/// <see cref="CliErrors"/> writes the error with a hint that does, on stderr.
/// </summary>
internal sealed class HintFilter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(value);

    public override void WriteLine(string? value)
    {
        if (value is not null && value.StartsWith("Specify --", StringComparison.Ordinal) && value.EndsWith(" for a list of available options and commands.", StringComparison.Ordinal))
        {
            return;
        }
        inner.WriteLine(value);
    }

    public override void Flush() => inner.Flush();
}
