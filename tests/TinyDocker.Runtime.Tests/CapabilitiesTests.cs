using TinyDocker.Runtime.Security;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Tests;

public sealed class CapabilitiesTests
{
    [Fact]
    public void The_default_is_dockers_fourteen()
    {
        var set = Capabilities.Resolve([], []);

        Assert.Equal(14, set.Length);
        Assert.DoesNotContain("SYS_ADMIN", set);
        Assert.Equal(0xa80425fbUL, Capabilities.Mask(set)); // CapBnd of a docker container
    }

    [Fact]
    public void Names_are_taken_with_or_without_cap_in_any_case()
    {
        var set = Capabilities.Resolve(["cap_sys_admin", "NET_ADMIN"], ["CAP_MKNOD", "chown"]);

        Assert.Contains("SYS_ADMIN", set);
        Assert.Contains("NET_ADMIN", set);
        Assert.DoesNotContain("MKNOD", set);
        Assert.DoesNotContain("CHOWN", set);
    }

    [Fact]
    public void All_works_both_ways_as_in_docker()
    {
        Assert.Equal(["KILL"], Capabilities.Resolve(["KILL"], ["ALL"]));
        var all = Capabilities.Resolve(["ALL"], ["SYS_ADMIN"]);
        Assert.Equal(Capabilities.Names.Length - 1, all.Length);
        Assert.DoesNotContain("SYS_ADMIN", all);
    }

    [Fact]
    public void An_unknown_name_is_bad_input()
    {
        var e = Assert.Throws<TinyDockerException>(() => Capabilities.Resolve(["SYS_WIZARD"], []));
        Assert.Equal(125, e.ExitCode);
        Assert.Contains("SYS_WIZARD", e.Message, StringComparison.Ordinal);
    }
}

public sealed class SecuritySpecTests
{
    [Fact]
    public void A_spec_confines_by_default()
    {
        var spec = SpecValidatorTests.Valid();

        Assert.Equal(Capabilities.Default, spec.Capabilities);
        Assert.Equal(SeccompModes.Default, spec.Seccomp);
        Assert.False(spec.Privileged);
    }

    [Fact]
    public void Unknown_capabilities_and_seccomp_modes_are_reported_together()
    {
        var problems = SpecValidator.Problems(SpecValidatorTests.Valid() with { Capabilities = ["CHOWN", "WIZARDRY"], Seccomp = "lenient" });

        Assert.Equal(["unknown capability `WIZARDRY`", "unknown seccomp mode `lenient`: use default or unconfined"], problems);
    }
}
