using System.Diagnostics;
using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>
/// Another container's state (its spec holds every `-e` value) and the image store are never
/// visible in a container, whatever its current directory or volumes show of the host.
/// </summary>
public sealed class HiddenRootTests(BusyboxImage image) : EscapeTestBase(image)
{
    private const string Secret = "SECRET_A=hunter2-tinydocker";

    [ContainerFact]
    public void A_second_container_cannot_read_the_first_ones_environment_or_the_image_store()
    {
        string first = $"sec-{Guid.NewGuid():N}"[..16];
        string specPath = Path.Combine(Tool.StateRoot, first, "spec.json");
        string stateParent = Path.GetDirectoryName(Tool.StateRoot)!; // /run
        string dataParent = Path.GetDirectoryName(Tool.DataRoot)!;
        Directory.CreateDirectory(Tool.DataRoot);
        File.WriteAllText(Path.Combine(Tool.DataRoot, "store-marker"), "images\n");
        // Siblings of the hidden roots, to show that their parents really are visible inside.
        string stateSibling = Path.Combine(stateParent, $"tinydocker-sibling-{Guid.NewGuid():N}");
        string dataSibling = Path.Combine(dataParent, $"tinydocker-sibling-{Guid.NewGuid():N}");
        File.WriteAllText(stateSibling, "visible\n");
        File.WriteAllText(dataSibling, "visible\n");
        using var holder = Tool.Start("run", "--image", ImageDir, "-e", Secret, first, "sleep", "60");
        try
        {
            // The spec is written after the file is made (readers of the state root expect that): wait for its text.
            Assert.True(SpinUntil(() => File.Exists(specPath) && File.ReadAllText(specPath).Contains(Secret, StringComparison.Ordinal)), "the first container never started");
            // Real: the secret is in the spec on the host, which root alone may read.
            Assert.Contains(Secret, File.ReadAllText(specPath), StringComparison.Ordinal);
            Assert.Equal("600", Shell.Run("stat", ["-c", "%a", specPath]).Stdout.Trim());
            Assert.Equal("700", Shell.Run("stat", ["-c", "%a", Path.GetDirectoryName(specPath)!]).Stdout.Trim());

            string rel = Tool.StateRoot.TrimStart('/');
            string dataRel = Tool.DataRoot.TrimStart('/');
            string Probe(string cwdSibling) => $"cat {specPath} /x/{Path.GetFileName(Tool.StateRoot)}/{first}/spec.json /host/{rel}/{first}/spec.json "
                + $"{Tool.DataRoot}/store-marker /host/{dataRel}/store-marker /y/{Path.GetFileName(Tool.DataRoot)}/store-marker 2>/dev/null; "
                + $"ls -A {Tool.StateRoot} /x/{Path.GetFileName(Tool.StateRoot)} /host/{rel} {Tool.DataRoot} /host/{dataRel} 2>/dev/null; "
                + $"cat {stateSibling} /x/{Path.GetFileName(stateSibling)} /host{dataSibling} /y/{Path.GetFileName(dataSibling)} {cwdSibling} 2>/dev/null; true";
            foreach (string cwd in new[] { stateParent, dataParent })
            {
                var second = Tool.Run(["run", "--image", ImageDir, "-v", $"{stateParent}:/x", "-v", "/:/host:ro", "-v", $"{dataParent}:/y",
                    $"sec2-{Guid.NewGuid():N}"[..16], "sh", "-c", Probe(cwd == stateParent ? stateSibling : dataSibling)], workingDirectory: cwd);

                Assert.True(second.ExitCode == 0, second.ToString());
                Assert.DoesNotContain("SECRET_A", second.Stdout, StringComparison.Ordinal);
                Assert.DoesNotContain("images", second.Stdout, StringComparison.Ordinal);
                Assert.DoesNotContain(first, second.Stdout, StringComparison.Ordinal);
                // Real: the parents are there, through each volume and the current directory.
                Assert.True(second.Stdout.Split('\n').Count(l => l == "visible") >= 4, second.ToString());
            }
        }
        finally
        {
            Tool.Run("kill", first);
            holder.WaitForExit();
            File.Delete(stateSibling);
            File.Delete(dataSibling);
        }
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void A_volume_or_current_directory_inside_the_state_root_is_refused()
    {
        Directory.CreateDirectory(Tool.StateRoot);
        foreach (var (volume, cwd) in new[] { (Tool.StateRoot + ":/s", WorkDir), (Tool.DataRoot + ":/d", WorkDir), ("/tmp:/t", Tool.StateRoot) })
        {
            Directory.CreateDirectory(Tool.DataRoot);
            var r = Tool.Run(["run", "--image", ImageDir, "-v", volume, $"ref-{Guid.NewGuid():N}"[..16], "true"], workingDirectory: cwd);

            Assert.True(r.ExitCode == 125, r.ToString());
            Assert.Contains("inside tinydocker's own", r.Stderr, StringComparison.Ordinal);
            Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Empty(Tool.StateEntries());
        }
        Host.AssertUntouched();
    }

    private static bool SpinUntil(Func<bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(25);
        }
        return false;
    }
}
