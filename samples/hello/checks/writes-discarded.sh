# The root filesystem is writable copy-on-write; the host never sees these writes.
echo "written inside $HOSTNAME" > /etc/tinydocker-hello-sample && \
echo "written inside $HOSTNAME" > ./written-by-container && \
rm -f ./tests.sh && [ ! -e ./tests.sh ] && \
echo "(wrote /etc/tinydocker-hello-sample and ./written-by-container, deleted ./tests.sh: all discarded)"
