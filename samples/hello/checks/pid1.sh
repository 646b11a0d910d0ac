# The PID namespace: PID 1 is tinydocker's init, and no host process is visible.
tr '\0' ' ' < /proc/1/cmdline | grep -qE '__init|tinydocker-init' || exit 1
count=$(ls -d /proc/[0-9]* | wc -l)
[ "$count" -lt 20 ] && echo "($count processes visible)"
