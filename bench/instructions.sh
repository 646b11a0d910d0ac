#!/usr/bin/env bash
# Counts the user-space instructions of one `run /bin/true` under callgrind, per process (the tool,
# its init), median of RUNS (default 3). Instruction counts barely move on a noisy machine, where
# times do: use it to compare two builds, lever by lever. --privileged because valgrind 3.19 does
# not know mount_setattr (the read-only remounts of a default run); the command is not traced.
# The kernel's share (mounts, namespaces, page faults) is not in these counts. Run as root:
#   bench/instructions.sh PATH/TO/dotnet-tinydocker [RUNS]
set -euo pipefail
exe=$1; runs=${2:-3}
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 1; }
image=$(mktemp -d /tmp/tinydocker-instr.XXXXXX)
out=$(mktemp -d /tmp/tinydocker-instr-out.XXXXXX)
export TINYDOCKER_ROOT=/run/tinydocker-instr-$$
trap 'rm -rf "$image" "$out" "$TINYDOCKER_ROOT"' EXIT
# The binary alone: valgrind 3.19 gives up on the .dbg file a publish leaves beside it.
cp "$exe" "$out/dotnet-tinydocker"; exe=$out/dotnet-tinydocker
mkdir -p "$image"/{bin,proc,sys,dev,tmp}
cp /bin/busybox "$image/bin/busybox"; ln -s busybox "$image/bin/true"
tool=(); init=()
for i in $(seq "$runs"); do
  valgrind --tool=callgrind --trace-children=yes --trace-children-skip='*/true' --callgrind-out-file=/dev/null \
    "$exe" run --privileged --image "$image" instr /bin/true 2> "$out/log.$i" >/dev/null
  # "==PID== I refs: N" per process; the init is PID 1 (of its namespace), the tool any other.
  tool+=("$(awk '/I +refs:/ && $1 != "==1==" {gsub(",", "", $NF); print $NF}' "$out/log.$i")")
  init+=("$(awk '/I +refs:/ && $1 == "==1==" {gsub(",", "", $NF); print $NF}' "$out/log.$i")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
t=$(median "${tool[@]}"); n=$(median "${init[@]}")
echo "tool $t init $n total $(( t + n ))"
