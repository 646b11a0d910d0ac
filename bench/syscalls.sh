#!/usr/bin/env bash
# Counts the system calls of one `run --image BUSYBOX NAME /bin/true` (the tool, its init and the
# command, strace -f), median of RUNS (default 3): the total and the calls that prepare the root.
# Counts, unlike times, do not move with the machine's load: use it to compare two builds. Run as
# root, from the directory whose sharing is measured (the current directory is the container's):
#   bench/syscalls.sh PATH/TO/dotnet-tinydocker [RUNS]
set -euo pipefail
exe=$1; runs=${2:-3}
command -v strace >/dev/null || { echo "strace is missing: apt-get install strace" >&2; exit 1; }
image=$(mktemp -d /tmp/tinydocker-sys.XXXXXX)
out=$(mktemp -d /tmp/tinydocker-sys-out.XXXXXX)
export TINYDOCKER_ROOT=/run/tinydocker-sys-$$
trap 'rm -rf "$image" "$out" "$TINYDOCKER_ROOT"' EXIT
mkdir -p "$image"/{bin,proc,sys,dev,tmp}
cp /bin/busybox "$image/bin/busybox"; ln -s busybox "$image/bin/true"
calls=(total readlink mount umount2 mount_setattr openat2 openat mkdir mkdirat close)
for i in $(seq "$runs"); do
  strace -f -qq -o "$out/trace.$i" "$exe" run --image "$image" sys /bin/true
  for c in "${calls[@]}"; do
    if [ "$c" = total ]; then n=$(grep -cvE '^[0-9]+ +(\+\+\+|---)|resumed>' "$out/trace.$i"); else n=$(grep -cE "^[0-9]+ +$c\(" "$out/trace.$i" || true); fi
    echo "$n" >> "$out/$c"
  done
done
median() { sort -n "$1" | sed -n "$(( (runs + 1) / 2 ))p"; }
for c in "${calls[@]}"; do printf '%s %s  ' "$c" "$(median "$out/$c")"; done; echo
