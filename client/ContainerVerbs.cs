namespace TinyDocker.Client;

/// <summary>
/// The argv of the verbs a client uses on a running service (docs/services.md has their exits and
/// output): the other half of the contract beside <see cref="RunRequest"/>.
/// </summary>
internal static class ContainerVerbs
{
    /// <summary>`wait --for CHECK... [--timeout D] NAME`: 0 ready, 1 the service exited first, 124 the timeout.</summary>
    public static IReadOnlyList<string> WaitFor(string name, IEnumerable<string> checks, string? timeout)
    {
        var args = new List<string> { "wait" };
        foreach (var check in checks)
        {
            args.Add("--for");
            args.Add(check);
        }
        if (timeout is { Length: > 0 })
        {
            args.Add("--timeout");
            args.Add(timeout);
        }
        args.Add(name);
        return args;
    }

    /// <summary>`port NAME [CONTAINERPORT]`: a line `CONTAINERPORT/tcp -> HOSTIP:HOSTPORT` per published
    /// port, or with CONTAINERPORT only `HOSTIP:HOSTPORT`.</summary>
    public static IReadOnlyList<string> Port(string name, int? containerPort = null) =>
        containerPort is { } p ? ["port", name, p.ToString(System.Globalization.CultureInfo.InvariantCulture)] : ["port", name];

    /// <summary>`logs [--tail N] NAME`: the service's stdout and stderr as written.</summary>
    public static IReadOnlyList<string> Logs(string name, int? tail = null) =>
        tail is { } n ? ["logs", "--tail", n.ToString(System.Globalization.CultureInfo.InvariantCulture), name] : ["logs", name];

    /// <summary>`stop [--time D] NAME`: SIGTERM, then SIGKILL to everything after the grace.</summary>
    public static IReadOnlyList<string> Stop(string name, string? grace = null) =>
        grace is { Length: > 0 } ? ["stop", "--time", grace, name] : ["stop", name];

    /// <summary>`rm -f NAME`: kills it if it still runs and removes its record.</summary>
    public static IReadOnlyList<string> ForceRemove(string name) => ["rm", "-f", name];

    /// <summary>`wait NAME` (docker's): blocks until it exits, prints its exit code.</summary>
    public static IReadOnlyList<string> Wait(string name) => ["wait", name];

    /// <summary>`exec [-u USER] NAME -- COMMAND...`: a further command in it, its exit code exec's own.</summary>
    public static IReadOnlyList<string> Exec(string name, IReadOnlyList<string> command, string? user = null) =>
        user is { Length: > 0 } ? ["exec", "-u", user, name, "--", .. command] : ["exec", name, "--", .. command];

    /// <summary>
    /// `commit NAME IMAGE[:TAG]`: its changes as a new layer, e.g. an initialised database to start each case from;
    /// frozen meanwhile unless <paramref name="pause"/> is false (`--pause=false`: a rootless container has no freezer).
    /// </summary>
    public static IReadOnlyList<string> Commit(string name, string image, bool pause = true)
        => pause ? ["commit", name, image] : ["commit", "--pause=false", name, image];

    /// <summary>
    /// Whether the CLI this process starts (with <paramref name="cliEnvironment"/> added) runs its containers rootless,
    /// as the CLI decides it: not run by root, or `TINYDOCKER_ROOTLESS=1`.
    /// </summary>
    public static bool Rootless(IReadOnlyDictionary<string, string>? cliEnvironment)
        => !Environment.IsPrivilegedProcess
            || (cliEnvironment is not null && cliEnvironment.TryGetValue("TINYDOCKER_ROOTLESS", out var forced) ? forced : Environment.GetEnvironmentVariable("TINYDOCKER_ROOTLESS")) == "1";
}
