using System.Diagnostics;
using TinyDocker.Client;

namespace TinyDocker.Services.Tests;

/// <summary>
/// No reaper: a service the library starts is owned by the process that started it, and dies
/// when that process is SIGKILLed. A shell plays the test host here (it runs the library's own
/// `run -d` argv, then stays), so the test host itself need not die.
/// </summary>
[Collection(ServicesCollection.Name)]
public sealed class OwnerTests(ServiceImages images)
{
    [RootFact]
    public async Task A_service_dies_with_the_process_that_started_it_even_by_SIGKILL()
    {
        string name = Owned(out var args);
        Assert.Contains("--die-with-parent", args);

        using var owner = StartOwner(args);
        await Poll.Until(() => Status(name) == "running");
        owner.Kill();
        owner.WaitForExit();

        await Poll.Until(() => Status(name) == "exited (137)");
        Assert.Equal(0, images.Tool.Run(["rm", name]).ExitCode);
        Leftovers.AssertNone(images, name);
    }

    [RootFact]
    public async Task Counter_proof_without_the_owner_rule_the_service_outlives_its_killed_starter()
    {
        string name = Owned(out var args);
        using var owner = StartOwner([.. args.Where(a => a != "--die-with-parent")]);
        await Poll.Until(() => Status(name) == "running");
        owner.Kill();
        owner.WaitForExit();
        try
        {
            // The killed owner's exit is seen at once when it is watched (the first test): give it as long again.
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Equal("running", Status(name));
            // And the leftover check sees what is left, so its silence elsewhere means something.
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Leftovers.AssertNone(images, name));
        }
        finally
        {
            images.Tool.Run(["rm", "-f", name]);
        }
        Leftovers.AssertNone(images, name);
    }

    private static string Owned(out IReadOnlyList<string> args)
    {
        string name = $"owned-{Guid.NewGuid():N}"[..14];
        args = new ServiceDefinition { Name = name, Image = ServiceImages.Debian, Command = ["sleep", "600"] }.ToRunRequest().ToArguments();
        return name;
    }

    private Process StartOwner(IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "\"$0\" \"$@\" >/dev/null || exit 99; exec sleep 600", TinyTool.Executable }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["TINYDOCKER_ROOT"] = images.Tool.StateRoot;
        psi.Environment["TINYDOCKER_DATA"] = images.Tool.DataRoot;
        return Process.Start(psi)!;
    }

    // The STATUS column of `ps -a` for NAME, or null.
    private string? Status(string name)
        => images.Tool.Run(["ps", "-a"]).Stdout.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal)) is { } line
            ? System.Text.RegularExpressions.Regex.Match(line, @"running|exited \(\d+\)|stale").Value
            : null;
}
