namespace TinyDocker.Security.Tests.Programs;

/// <summary>
/// bubblewrap CVE-2017-5226's attack: pushes its argument into the input queue of the terminal
/// on fd 0 with TIOCSTI, one character at a time, as if typed; prints "TIOCSTI ok" or
/// "TIOCSTI refused ERRNO".
/// </summary>
internal static class TerminalInjector
{
    public const string Source = """
        #include <errno.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/ioctl.h>

        int main(int argc, char **argv) {
            for (char *c = argv[1]; *c; c++) {
                if (ioctl(0, TIOCSTI, c) < 0) {
                    printf("TIOCSTI refused %s\n", strerror(errno));
                    return 1;
                }
            }
            printf("TIOCSTI ok\n");
            return 0;
        }
        """;
}
