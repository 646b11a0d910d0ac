# The network namespace: only the loopback interface, and it is up.
[ "$(ls /sys/class/net)" = "lo" ] && grep -q "^ *lo:" /proc/net/dev && echo "(interfaces: lo)"
