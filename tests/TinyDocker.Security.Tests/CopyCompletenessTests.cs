using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>
/// Results are never lost silently: a name that is not UTF-8, a tree deeper than PATH_MAX, a
/// destination that fills up (ENOSPC: named, exit 125, no partial file), and a source swapped
/// for a link to a host file while it is copied.
/// </summary>
public sealed class CopyCompletenessTests(BusyboxImage image) : EscapeTestBase(image)
{
    [ContainerFact]
    public void A_name_that_is_not_utf8_is_copied_byte_for_byte_with_the_rest()
    {
        string output = Path.Combine(WorkDir, "out");
        string keep = Path.Combine(WorkDir, "upper");

        var r = Busybox("mkdir /r && printf 'odd\\n' > /r/$(printf 'n\\377m') && echo ok > /r/plain", "--copy-out", $"/r:{output}", "--keep-upper", keep);

        Assert.True(r.ExitCode == 0, r.ToString());
        // The shell names the file by its bytes; .NET's string APIs cannot.
        var check = Shell.Run("/bin/sh", ["-c", "cat \"$1/$(printf 'n\\377m')\" \"$1/plain\" \"$2/root/r/$(printf 'n\\377m')\"", "sh", output, keep], WorkDir);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Equal("odd\nok\nodd\n", check.Stdout);
        // Real: the name really holds the byte 0xff, which is not UTF-8.
        Assert.Equal("n\\377m\nplain\n", Shell.Run("/bin/sh", ["-c", "ls -b \"$1\"", "sh", output], WorkDir).Stdout);
        RemoveTree(output);
        RemoveTree(keep);
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void A_tree_deeper_than_path_max_is_copied_whole()
    {
        string output = Path.Combine(WorkDir, "out");
        string bin = Path.Combine(WorkDir, "bin");
        Directory.CreateDirectory(bin);
        string deep = CProgram.CopyInto(DeepTree, bin, "deep");
        try
        {
            var r = Busybox("mkdir /r && cd /r && /t/deep make", "-v", $"{bin}:/t:ro", "--copy-out", $"/r:{output}");

            Assert.True(r.ExitCode == 0, r.ToString());
            var check = Shell.Run(deep, ["read"], output);
            Assert.True(check.ExitCode == 0, check.ToString());
            Assert.Equal("bottom\n", check.Stdout);
            // Real: the path is longer than the kernel takes in one call.
            string full = Path.Combine([output, .. Enumerable.Repeat(new string('d', 250), 20), "f"]);
            Assert.True(full.Length > 4096);
            Assert.NotEqual(0, Shell.Run("cat", [full]).ExitCode);
        }
        finally
        {
            RemoveTree(output);
        }
        Host.AssertUntouched();
    }

    /// <summary>20 levels of 250-byte names (beyond PATH_MAX, 4096), walked by relative chdir: `make` or `read`.</summary>
    private const string DeepTree = """
        #include <stdio.h>
        #include <string.h>
        #include <unistd.h>
        #include <sys/stat.h>
        int main(int argc, char **argv) {
            char name[251];
            memset(name, 'd', 250);
            name[250] = 0;
            int make = argc > 1 && strcmp(argv[1], "make") == 0;
            for (int i = 0; i < 20; i++) {
                if (make && mkdir(name, 0755) != 0) { perror("mkdir"); return 1; }
                if (chdir(name) != 0) { perror("chdir"); return 1; }
            }
            if (make) { FILE *f = fopen("f", "w"); fputs("bottom\n", f); return fclose(f) != 0; }
            char buf[64]; FILE *f = fopen("f", "r");
            if (!f || !fgets(buf, sizeof buf, f)) { perror("f"); return 1; }
            fputs(buf, stdout);
            return 0;
        }
        """;

    /// <summary>rm -rf: .NET cannot delete a name that is not UTF-8 or a path beyond PATH_MAX.</summary>
    private void RemoveTree(string path) => Shell.Run("rm", ["-rf", path], WorkDir);

    [RootFact("it mounts a small tmpfs on the host to run out of space")]
    public void A_copy_that_runs_out_of_space_names_the_lost_file_exits_125_and_leaves_no_partial_file()
    {
        string small = Path.Combine(WorkDir, "small");
        Directory.CreateDirectory(small);
        string script = "mkdir /r && echo ok > /r/a-small && dd if=/dev/zero of=/r/big bs=1024 count=1024 2>/dev/null";
        Assert.Equal(0, Shell.Run("mount", ["-t", "tmpfs", "-o", "size=256k", "tinydocker-test-small", small]).ExitCode);
        try
        {
            var r = Busybox(script, "--copy-out", $"/r:{small}/out");

            Assert.True(r.ExitCode == 125, r.ToString());
            Assert.Contains("`/r/big` not copied: write: ENOSPC", r.Stderr, StringComparison.Ordinal);
            Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(["a-small"], Directory.EnumerateFileSystemEntries(Path.Combine(small, "out")).Select(Path.GetFileName));
            Assert.Equal("ok\n", File.ReadAllText(Path.Combine(small, "out", "a-small")));
        }
        finally
        {
            Shell.Run("umount", [small]);
        }
        // Real: with room, the same run copies the whole megabyte and exits 0.
        var roomy = Busybox(script, "--copy-out", $"/r:{WorkDir}/out");
        Assert.True(roomy.ExitCode == 0, roomy.ToString());
        Assert.Equal(1 << 20, new FileInfo(Path.Combine(WorkDir, "out", "big")).Length);
        Host.AssertUntouched();
    }

    /// <summary>
    /// The container's own processes are dead when results are copied (the init kills and reaps
    /// them first), so the source can only change under the copy through a volume another
    /// container shares: here a second container swaps a file and a link to a host file (and a
    /// directory and a link to a host directory) with renameat2(RENAME_EXCHANGE), as fast as it can.
    /// </summary>
    [ContainerFact]
    public void A_source_swapped_for_a_link_to_a_host_file_during_the_copy_never_copies_the_host_file()
    {
        string shared = Path.Combine(WorkDir, "shared");
        string bin = Path.Combine(WorkDir, "bin");
        Directory.CreateDirectory(shared);
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(shared, "f"), "data\n");
        File.CreateSymbolicLink(Path.Combine(shared, "alt"), Host.Canary);
        Directory.CreateDirectory(Path.Combine(shared, "d"));
        File.WriteAllText(Path.Combine(shared, "d", "x"), "inside\n");
        File.CreateSymbolicLink(Path.Combine(shared, "dalt"), Path.GetDirectoryName(Host.Canary)!);
        CProgram.CopyInto(Swapper, bin, "swap");
        var swapper = Tool.Start("run", "--image", ImageDir, "-v", $"{shared}:/v", "-v", $"{bin}:/t:ro", $"swap-{Guid.NewGuid():N}"[..16], "/t/swap");
        try
        {
            // Real: the swap runs, and a reader that follows links (the host's cat) gets the host file.
            Assert.True(SpinUntil(() => Shell.Run("cat", [Path.Combine(shared, "f")]).Stdout.StartsWith("canary", StringComparison.Ordinal)),
                "the swapper never made f a link to the canary");
            bool seenFile = false, seenLink = false;
            for (int i = 0; i < 6; i++)
            {
                string output = Path.Combine(WorkDir, $"out{i}");
                var r = Busybox("true", "-v", $"{shared}:/v", "--copy-out", $"/v:{output}");
                // A name that vanished between listing and opening is named, and the run is 125; never a host file.
                Assert.True(r.ExitCode is 0 or 125, r.ToString());
                // find(1) does not follow links (.NET's recursive enumeration would, into the host directory).
                var entries = Shell.Run("find", [output, "-mindepth", "1"]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.All(entries, e => Assert.DoesNotContain("tinydocker-canary", Path.GetFileName(e), StringComparison.Ordinal));
                foreach (var file in Shell.Run("find", [output, "-type", "f"]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    Assert.DoesNotContain("canary", File.ReadAllText(file), StringComparison.Ordinal);
                    seenFile |= Path.GetFileName(file) is "f" or "alt";
                }
                seenLink |= new FileInfo(Path.Combine(output, "f")).LinkTarget is not null || new FileInfo(Path.Combine(output, "alt")).LinkTarget is not null;
            }
            Assert.True(seenFile && seenLink, "the copies held no file or no link: the swap was not seen");
        }
        finally
        {
            swapper.Kill();
            swapper.WaitForExit();
        }
        Host.AssertUntouched();
    }

    private static bool SpinUntil(Func<bool> condition)
    {
        for (int i = 0; i < 400; i++)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(25);
        }
        return false;
    }

    private const string Swapper = """
        #define _GNU_SOURCE
        #include <stdio.h>
        #include <fcntl.h>
        #include <unistd.h>
        #include <sys/syscall.h>
        #include <linux/fs.h>
        int main(void) {
            alarm(120); /* never outlives a test that lost track of it */
            for (;;) {
                syscall(SYS_renameat2, AT_FDCWD, "/v/f", AT_FDCWD, "/v/alt", RENAME_EXCHANGE);
                syscall(SYS_renameat2, AT_FDCWD, "/v/d", AT_FDCWD, "/v/dalt", RENAME_EXCHANGE);
            }
        }
        """;
}
