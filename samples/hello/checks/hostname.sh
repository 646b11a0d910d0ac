# The UTS namespace: the hostname is the container's name, not the host's.
[ "$(hostname)" = "$HOSTNAME" ] && [ -n "$HOSTNAME" ] && echo "(hostname $(hostname))"
