namespace TinyDocker.Runtime.Host;

/// <summary>How to start this tool again, in its internal init mode.</summary>
internal static class SelfExe
{
    public const string InitVerb = "__init";

    /// <summary>
    /// argv for "this program, init mode": the native binary alone when published as one
    /// (apphost or NativeAOT), or the dotnet host and the entry assembly when run as `dotnet x.dll`.
    /// </summary>
    public static string[] InitArgv(string specPath)
    {
        string exe = Environment.ProcessPath ?? throw new TinyDockerException("cannot find the path of this executable");
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
        {
            string entry = Environment.GetCommandLineArgs()[0];
            return [exe, entry, InitVerb, specPath];
        }
        return [exe, InitVerb, specPath];
    }
}
