using TinyDocker.Runtime.Spec;

namespace TinyDocker.Build.Tests;

/// <summary>The task's pure parts: names, input checks, the CLI's argv, log quoting. No builds.</summary>
public sealed class UnitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinydocker-build-unit-").FullName;

    [Fact]
    public void The_exit_codes_both_packages_act_on_are_the_clis()
        => Assert.Equal(
            (Runtime.ExitCodes.TimedOut, Runtime.ExitCodes.TinyDockerError, Runtime.ExitCodes.SignalBase),
            (Client.ExitCodes.TimedOut, Client.ExitCodes.TinyDockerError, Client.ExitCodes.SignalBase));

    [Theory]
    [InlineData("Sample.Checks", "Sample.Checks-")]
    [InlineData("My Project (old)", "My-Project-old-")]
    [InlineData("-._", "msbuild-")]
    [InlineData(null, "msbuild-")]
    public void Default_names_are_the_project_name_made_safe_plus_a_random_suffix(string? project, string prefix)
    {
        string a = ContainerName.Default(project), b = ContainerName.Default(project);

        Assert.StartsWith(prefix, a, StringComparison.Ordinal);
        Assert.Equal(prefix.Length + 8, a.Length);
        Assert.Matches($"^{SpecValidator.NamePattern}$", a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void A_long_project_name_is_cut_so_the_default_name_stays_valid()
    {
        string name = ContainerName.Default(new string('x', 200));

        Assert.Equal(63, name.Length);
        Assert.Matches($"^{SpecValidator.NamePattern}$", name);
    }

    [Fact]
    public void The_task_checks_only_its_own_parameters_and_leaves_every_value_to_the_cli()
    {
        Assert.Contains("not both", Assert.Single(new RunInputs { Command = "true", Arguments = ["echo"] }.Problems()));
        Assert.Contains("no command", Assert.Single(new RunInputs().Problems()));
        // Values the CLI judges (and takes: a store name, 1.5g) are not the task's to refuse.
        Assert.Empty(new RunInputs { Command = "true", Name = "-bad", Image = "busybox:1.36", Memory = "1.5g", Network = "bridge", TimeoutSeconds = -1 }.Problems());
    }

    [Fact]
    public void The_inputs_become_the_clis_argv_untouched_with_options_before_the_name()
    {
        var inputs = new RunInputs
        {
            Name = "c1",
            Image = "busybox:1.36",
            Command = "./tests.sh --fast",
            Volumes = ["data:/data:ro"],
            Environment = ["A=1", "B=x=y"],
            CopyOut = ["/work/results:out/results"],
            Tmpfs = ["/scratch"],
            CapAdd = ["SYS_PTRACE"],
            WorkingDirectory = "/work",
            TimeoutSeconds = 300,
            Memory = "1.5g",
            PidsLimit = 64,
            Network = "host",
        };
        Assert.Empty(inputs.Problems());

        var argv = inputs.ToRun("/tmp/s.json").ToArguments();

        Assert.Equal(
            ["run", "--die-with-parent", "--image", "busybox:1.36", "-e", "A=1", "-e", "B=x=y", "-v", "data:/data:ro",
             "--tmpfs", "/scratch", "--copy-out", "/work/results:out/results", "-w", "/work", "--timeout", "300", "--memory", "1.5g",
             "--pids-limit", "64", "--network", "host", "--cap-add", "SYS_PTRACE", "--json-status", "/tmp/s.json", "c1", "/bin/sh", "-c", "./tests.sh --fast"],
            argv);
    }

    [Fact]
    public void Arguments_run_directly_and_unset_options_are_left_out()
    {
        var inputs = new RunInputs { ProjectName = "P", Arguments = ["echo", "a b", "-e", "x"] };
        Assert.Empty(inputs.Problems());

        var argv = inputs.ToRun(null).ToArguments();

        Assert.Equal(["run", "--die-with-parent"], argv.Take(2));
        Assert.Matches("^P-[0-9a-f]{8}$", argv[2]);
        Assert.Equal(["echo", "a b", "-e", "x"], argv.Skip(3));
    }

    [Fact]
    public void The_end_record_is_read_from_the_status_file_and_a_torn_or_missing_one_is_none()
    {
        string path = Path.Combine(_dir, "status.json");
        Assert.Null(Client.RunStatus.Read(path));
        File.WriteAllText(path, """{"name":"x","pid":5,"namespaces":{},"type":"start"}""" + "\n");
        Assert.Null(Client.RunStatus.Read(path));
        // The runtime's own record, with the CLI's naming policy: the two sides of the contract agree.
        var end = new Runtime.Host.EndRecord(137, 9, false, true, 1.5, 0, 0, 67108864);
        string json = System.Text.Json.JsonSerializer.Serialize(end, new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase });
        File.AppendAllText(path, json + "\n{\"exitC");
        Assert.Equal(new Client.RunStatus(137, 9, false, true, 1.5, 0, 0, 67108864), Client.RunStatus.Read(path));
    }

    [Theory]
    [InlineData("plain/path-1.0", "plain/path-1.0")]
    [InlineData("two words", "'two words'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    [InlineData("a;b", "'a;b'")]
    public void Log_lines_quote_arguments_as_sh_would_read_them(string arg, string quoted)
        => Assert.Equal(quoted, ShellText.Quote(arg));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
