#!/bin/sh
# images/busybox.tar: a rootfs of the host's static busybox and its applets, for the kv service
# (a snapshot needs an image from the store: an archive is imported on first use).
set -e
cd "$(dirname "$0")"
rm -rf rootfs && mkdir -p rootfs/bin rootfs/tmp
cp /bin/busybox rootfs/bin/busybox
for applet in $(rootfs/bin/busybox --list); do [ -e "rootfs/bin/$applet" ] || ln -s busybox "rootfs/bin/$applet"; done
tar -C rootfs -cf busybox.tar .
rm -rf rootfs
