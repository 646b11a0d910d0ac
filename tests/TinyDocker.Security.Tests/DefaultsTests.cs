using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>The defaults as the kernel reports them for the command, and each way to relax them.</summary>
public sealed class DefaultsTests(BusyboxImage image) : EscapeTestBase(image)
{
    private const string Status = "grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' /proc/self/status";

    [ContainerFact]
    public void The_command_has_dockers_capabilities_no_new_privs_and_a_seccomp_filter()
    {
        var s = Fields(Busybox(Status));

        Assert.Equal("00000000a80425fb", s["CapBnd"]);
        Assert.Equal("00000000a80425fb", s["CapPrm"]);
        Assert.Equal("00000000a80425fb", s["CapEff"]);
        Assert.Equal("0000000000000000", s["CapInh"]);
        Assert.Equal("0000000000000000", s["CapAmb"]);
        Assert.Equal("1", s["NoNewPrivs"]);
        Assert.Equal("2", s["Seccomp"]); // SECCOMP_MODE_FILTER
    }

    [ContainerFact]
    public void Cap_add_cap_drop_privileged_and_seccomp_unconfined_relax_them()
    {
        var added = Fields(Busybox(Status, "--cap-add", "NET_ADMIN", "--cap-drop", "CAP_MKNOD"));
        Assert.Equal((0xa80425fbUL | 1UL << 12) & ~(1UL << 27), Convert.ToUInt64(added["CapEff"], 16));

        var none = Fields(Busybox(Status, "--cap-drop", "ALL"));
        Assert.Equal(0UL, Convert.ToUInt64(none["CapBnd"], 16));

        var unconfined = Fields(Busybox(Status, "--security-opt", "seccomp=unconfined"));
        Assert.Equal("0", unconfined["Seccomp"]);
        Assert.Equal("1", unconfined["NoNewPrivs"]);

        var privileged = Fields(Busybox(Status, "--privileged"));
        Assert.Equal("0", privileged["Seccomp"]);
        Assert.Equal("0", privileged["NoNewPrivs"]);
        // All the host's tool has; rootless, every capability of the container's own user namespace.
        string all = Containers.Rootless
            ? ((1UL << (int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap"), System.Globalization.CultureInfo.InvariantCulture) + 1)) - 1).ToString("x16", System.Globalization.CultureInfo.InvariantCulture)
            : Fields(OnHost(Status))["CapBnd"];
        Assert.Equal(all, privileged["CapBnd"]);
        // Nothing inherited (rootless, the first step's --keep-caps made the init's so; the init drops them).
        Assert.Equal("0000000000000000", privileged["CapInh"]);
        Assert.Equal("0000000000000000", privileged["CapAmb"]);
    }

    [ContainerFact]
    public void A_command_started_by_exec_is_confined_as_the_containers_own()
    {
        string name = $"esc-exec-{Guid.NewGuid():N}"[..20];
        using var run = Tool.Start("run", "--image", ImageDir, name, "sh", "-c", "echo ready; exec sleep 60");
        try
        {
            Assert.Equal("ready", run.StandardOutput.ReadLine());

            var s = Fields(Tool.Run("exec", name, "sh", "-c", Status));
            var mount = Tool.Run("exec", name, "sh", "-c", "mkdir -p /mnt/x && mount -t tmpfs none /mnt/x && echo MOUNTED");

            Assert.Equal("00000000a80425fb", s["CapEff"]);
            Assert.Equal("1", s["NoNewPrivs"]);
            Assert.Equal("2", s["Seccomp"]);
            Assert.DoesNotContain("MOUNTED", mount.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            run.Kill();
            run.WaitForExit();
        }
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void A_non_root_user_keeps_the_bounding_set_but_holds_no_capability()
    {
        var s = Fields(Busybox(Status, "-u", "65534:65534"));

        Assert.Equal("00000000a80425fb", s["CapBnd"]);
        Assert.Equal("0000000000000000", s["CapEff"]);
        Assert.Equal("0000000000000000", s["CapPrm"]);
    }

    [ContainerFact]
    public void Unknown_capabilities_and_security_options_are_bad_input()
    {
        var cap = Busybox("true", "--cap-add", "SYS_WIZARD");
        Assert.Equal(125, cap.ExitCode);
        Assert.Contains("unknown capability `SYS_WIZARD`", cap.Stderr, StringComparison.Ordinal);

        var opt = Busybox("true", "--security-opt", "apparmor=unconfined");
        Assert.Equal(125, opt.ExitCode);
        Assert.Contains("unsupported --security-opt", opt.Stderr, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Fields(ToolResult r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2))
            .ToDictionary(f => f[0], f => f[1].Trim());
    }
}
