using TinyDocker.Runtime.Spec;

namespace TinyDocker.Build.Tests;

/// <summary>The task's pure parts: names, input checks, the CLI's argv, log quoting. No builds.</summary>
public sealed class UnitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinydocker-build-unit-").FullName;

    [Fact]
    public void The_task_checks_names_with_the_clis_own_rule()
        => Assert.Equal(SpecValidator.NamePattern, ContainerName.Pattern);

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
        Assert.True(ContainerName.IsValid(a), a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void A_long_project_name_is_cut_so_the_default_name_stays_valid()
    {
        string name = ContainerName.Default(new string('x', 200));

        Assert.Equal(63, name.Length);
        Assert.True(ContainerName.IsValid(name), name);
    }

    [Fact]
    public void Every_bad_input_is_reported_at_once()
    {
        var inputs = new RunInputs
        {
            BaseDirectory = _dir,
            Name = "-bad",
            Command = "true",
            Arguments = ["echo"],
            Image = "missing-image",
            Volumes = ["nocolon", "missing:/data", $"{_dir}:relative", $"{_dir}:/data:rx"],
            Environment = ["=x", "NOVALUE"],
            CopyOut = ["relative:out", "/only-one-part"],
            WorkingDirectory = "relative",
            TimeoutSeconds = -1,
            Memory = "lots",
            PidsLimit = -5,
            Network = "bridge",
        };

        var problems = inputs.Problems();

        Assert.Equal(16, problems.Count);
        Assert.Contains(problems, p => p.Contains("Name `-bad`"));
        Assert.Contains(problems, p => p.Contains("not both"));
        Assert.Contains(problems, p => p.Contains($"Image `{_dir}/missing-image` does not exist"));
        Assert.Contains(problems, p => p.Contains("`nocolon` is not HOST:CONTAINER"));
        Assert.Contains(problems, p => p.Contains($"host path `{_dir}/missing` does not exist"));
        Assert.Contains(problems, p => p.Contains("container path `relative` must be absolute"));
        Assert.Contains(problems, p => p.Contains("mode `rx`"));
        Assert.Contains(problems, p => p.Contains("`=x` is not KEY=VALUE"));
        Assert.Contains(problems, p => p.Contains("`NOVALUE` is not KEY=VALUE"));
        Assert.Contains(problems, p => p.Contains("CopyOut entry `relative:out`"));
        Assert.Contains(problems, p => p.Contains("CopyOut entry `/only-one-part`"));
        Assert.Contains(problems, p => p.Contains("WorkingDirectory"));
        Assert.Contains(problems, p => p.Contains("Timeout -1"));
        Assert.Contains(problems, p => p.Contains("Memory `lots`"));
        Assert.Contains(problems, p => p.Contains("PidsLimit -5"));
        Assert.Contains(problems, p => p.Contains("Network `bridge`"));
    }

    [Fact]
    public void No_command_at_all_is_a_problem()
        => Assert.Contains("no command", Assert.Single(new RunInputs { BaseDirectory = _dir }.Problems()));

    [Fact]
    public void Valid_inputs_become_the_clis_argv_with_options_before_the_name_and_host_paths_made_absolute()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "image"));
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        var inputs = new RunInputs
        {
            BaseDirectory = _dir,
            Name = "c1",
            Image = "image",
            Command = "./tests.sh --fast",
            Volumes = ["data:/data:ro"],
            Environment = ["A=1", "B=x=y"],
            CopyOut = ["/work/results:out/results"],
            WorkingDirectory = "/work",
            TimeoutSeconds = 300,
            Memory = "1g",
            PidsLimit = 64,
            Network = "host",
        };
        Assert.Empty(inputs.Problems());

        var argv = inputs.ToRun().ToCliArguments();

        Assert.Equal(
            ["run", "--die-with-parent", "--image", $"{_dir}/image", "-e", "A=1", "-e", "B=x=y", "-v", $"{_dir}/data:/data:ro",
             "--copy-out", $"/work/results:{_dir}/out/results", "-w", "/work", "--timeout", "300", "--memory", "1g",
             "--pids-limit", "64", "--network", "host", "c1", "/bin/sh", "-c", "./tests.sh --fast"],
            argv);
    }

    [Fact]
    public void Arguments_run_directly_and_unset_options_are_left_out()
    {
        var inputs = new RunInputs { BaseDirectory = _dir, ProjectName = "P", Arguments = ["echo", "a b", "-e", "x"] };
        Assert.Empty(inputs.Problems());

        var argv = inputs.ToRun().ToCliArguments();

        Assert.Equal(["run", "--die-with-parent"], argv.Take(2));
        Assert.Matches("^P-[0-9a-f]{8}$", argv[2]);
        Assert.Equal(["echo", "a b", "-e", "x"], argv.Skip(3));
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
