// Runs in: the host tool (an ordinary user with subordinate ids) for Extract and Remove; the layer
// helper (`__layer DIR`, root of a new user namespace with that user's map) for RunHelper.
using System.Diagnostics;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Images;

namespace TinyDocker.Runtime.Rootless;

/// <summary>
/// An ordinary user's image store with the image's own owners, as podman's rootless storage keeps
/// it. The user cannot chown to its subordinate ids on the host; root of a user namespace with the
/// user's map (0 -> the user, 1..65536 -> the subuid/subgid range, the map its containers get) can.
/// So a layer is extracted by a helper of ours started in such a namespace by util-linux `unshare`
/// (a .NET process cannot make a user namespace itself: it is multi-threaded), the tar piped to
/// its stdin while this process hashes it. A file of uid 33 in the layer is then owned by the range's
/// start + 32 on the host, and is uid 33 inside the container. Files owned that way are not the
/// user's to delete on the host: removing a layer goes through the same namespace (`rm -rf`).
/// </summary>
internal static class LayerInUserNamespace
{
    public const string Verb = "__layer";

    /// <summary>Whether layers of this process's store are written through the helper: an ordinary user with a full map.</summary>
    public static IdMap? MapForStore() => UserPlaces.ForOrdinaryUser && IdMap.ForCaller() is { IsFull: true } map ? map : null;

    /// <summary>
    /// The map to remove an ordinary user's trees with when the tool's own delete is refused: any map
    /// will do, root of it may delete the user's read-only directories as well as the range's files.
    /// </summary>
    public static IdMap? MapForRemoval() => UserPlaces.ForOrdinaryUser ? IdMap.ForCaller() : null;

    /// <summary>Extracts <paramref name="tar"/> into the empty directory <paramref name="dir"/> through the helper; its error is one line.</summary>
    public static void Extract(Stream tar, string dir, IdMap map)
    {
        using var helper = Start(FirstStep.UserNamespaceArgv(map, SelfExe.LayerArgv(dir)), stdin: true);
        var stderr = helper.StandardError.ReadToEndAsync();
        var stdin = helper.StandardInput.BaseStream;
        byte[] buffer = new byte[256 * 1024];
        try
        {
            int n;
            while ((n = tar.Read(buffer)) > 0)
            {
                try
                {
                    stdin.Write(buffer, 0, n);
                }
                catch (IOException)
                {
                    break; // the helper stopped reading: it failed, and its stderr says why
                }
            }
        }
        finally
        {
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
            }
            helper.WaitForExit();
        }
        if (helper.ExitCode != 0)
        {
            throw new TinyDockerException(LastLine(stderr.Result) ?? $"the layer helper in your user namespace failed (exit {helper.ExitCode})");
        }
    }

    /// <summary>Removes the tree <paramref name="path"/> (never following a link) as root of the user's namespace.</summary>
    public static void Remove(string path, IdMap map)
    {
        string rm = new[] { "/usr/bin/rm", "/bin/rm" }.FirstOrDefault(File.Exists) ?? throw new TinyDockerException("removing a layer needs coreutils' rm in /usr/bin or /bin");
        using var helper = Start(FirstStep.UserNamespaceArgv(map, [rm, "-rf", "--one-file-system", "--", path]), stdin: false);
        string err = helper.StandardError.ReadToEnd();
        helper.WaitForExit();
        if (helper.ExitCode != 0)
        {
            throw new TinyDockerException($"cannot remove `{path}` in your user namespace: {LastLine(err) ?? $"rm exited {helper.ExitCode}"}");
        }
    }

    /// <summary>The helper: extracts its stdin into <paramref name="dir"/> with the layer's owners. Prints one line and returns 125 on failure.</summary>
    public static int RunHelper(string dir)
    {
        try
        {
            if (!Init.InitGuard.InOwnUserNamespace() || Interop.Sys.GetEffectiveUid() != 0)
            {
                throw new TinyDockerException($"{Verb} runs only as root of a user namespace of tinydocker's own");
            }
            using var stdin = Console.OpenStandardInput();
            LayerExtractor.Extract(stdin, dir, ExtractMode.UserNamespace);
            stdin.CopyTo(Stream.Null); // what follows the archive's end, so the writer never sees a broken pipe
            return 0;
        }
        catch (Exception e) when (e is TinyDockerException or InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            string message = e is TinyDockerException ? e.Message : $"corrupt or truncated archive ({e.Message.TrimEnd('.')})";
            Console.Error.WriteLine(message);
            return ExitCodes.TinyDockerError;
        }
    }

    private static Process Start(string[] argv, bool stdin)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = stdin,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment.Clear();
        foreach (var kv in SelfExe.HelperEnvironment())
        {
            int eq = kv.IndexOf('=', StringComparison.Ordinal);
            psi.Environment[kv[..eq]] = kv[(eq + 1)..];
        }
        return Process.Start(psi) ?? throw new TinyDockerException($"cannot start `{argv[0]}`");
    }

    private static string? LastLine(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
