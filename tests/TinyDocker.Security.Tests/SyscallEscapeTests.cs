using TinyDocker.Testing;

namespace TinyDocker.Security.Tests;

/// <summary>
/// System calls busybox cannot make, through python3 in host-root containers: each is refused
/// with EPERM by default, and reaches the kernel when the protection is off.
/// </summary>
public sealed class SyscallEscapeTests(BusyboxImage image) : EscapeTestBase(image)
{
    private const int EPERM = 1;

    [ContainerFact]
    public void Open_by_handle_at_is_refused()
    {
        // The "shocker" escape opens host files by handle; here: a handle of a file of the container's /tmp.
        const string program = """
            open('/tmp/f', 'w').write('x')
            handle = ctypes.create_string_buffer(8 + 128)
            ctypes.c_uint.from_buffer(handle).value = 128
            mount_id = ctypes.c_int()
            call('name_to_handle_at', -100, b'/tmp/f', handle, ctypes.byref(mount_id), 0)
            mfd = os.open('/tmp', os.O_RDONLY)
            call('open_by_handle_at', mfd, handle, os.O_RDONLY)
            """;

        var inside = Python(program);
        Assert.Equal(EPERM, PythonProgram.Errno(inside.Stdout, "open_by_handle_at"));

        // Rootless even privileged it is refused (CAP_DAC_READ_SEARCH of the host's user namespace):
        // the counter-proof needs real root.
        if (!Containers.Rootless)
        {
            var off = Python(program, "--privileged");
            Assert.Equal(0, PythonProgram.Errno(off.Stdout, "open_by_handle_at"));
        }
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void Keyctl_is_refused()
    {
        // KEYCTL_GET_KEYRING_ID of KEY_SPEC_USER_KEYRING: the kernel keyring is not namespaced.
        const string program = "call('keyctl', 0, -4, 0)";

        Assert.Equal(EPERM, PythonProgram.Errno(Python(program).Stdout, "keyctl"));
        Assert.Equal(0, PythonProgram.Errno(Python(program, "--privileged").Stdout, "keyctl"));
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void Loading_a_kernel_module_is_refused()
    {
        // Sixteen bytes that are no ELF file: a kernel that gets to look at them says ENOEXEC, loads nothing.
        const string program = "junk = ctypes.create_string_buffer(b'not a module....'); call('init_module', junk, 16, b'')";

        Assert.Equal(EPERM, PythonProgram.Errno(Python(program).Stdout, "init_module"));
        int off = PythonProgram.Errno(Python(program, "--privileged").Stdout, "init_module");
        Assert.NotEqual(EPERM, off);
        Assert.NotEqual(0, off);
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void Ptrace_of_a_process_is_refused()
    {
        const string program = """
            child = subprocess.Popen(['/bin/sleep', '30'])
            call('ptrace', 0x4206, child.pid, 0, 0)
            child.kill(); child.wait()
            """;

        Assert.Equal(EPERM, PythonProgram.Errno(Python(program).Stdout, "ptrace"));
        Assert.Equal(0, PythonProgram.Errno(Python(program, "--privileged").Stdout, "ptrace"));
        Host.AssertUntouched();
    }

    [ContainerFact]
    public void Joining_a_namespace_through_proc_ns_is_refused_and_no_host_namespace_is_in_sight()
    {
        var hostNamespaces = new[] { "mnt", "net", "pid", "uts", "ipc", "cgroup" }
            .Select(ns => new FileInfo($"/proc/self/ns/{ns}").LinkTarget!).ToList();
        const string program = """
            seen = set()
            for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
                for ns in os.listdir('/proc/%s/ns' % pid) if os.access('/proc/%s/ns' % pid, os.R_OK) else []:
                    try: seen.add(os.readlink('/proc/%s/ns/%s' % (pid, ns)))
                    except OSError: pass
            print('seen', ' '.join(sorted(seen)))
            fd = os.open('/proc/self/ns/mnt', os.O_RDONLY)
            call('setns', fd, 0)
            """;

        var inside = Python(program);
        Assert.Equal(EPERM, PythonProgram.Errno(inside.Stdout, "setns"));
        Assert.Contains(" mnt:[", inside.Stdout, StringComparison.Ordinal);
        Assert.All(hostNamespaces, ns => Assert.DoesNotContain(ns, inside.Stdout, StringComparison.Ordinal));

        Assert.Equal(0, PythonProgram.Errno(Python(program, "--privileged").Stdout, "setns"));
        Host.AssertUntouched();
    }
}
