#!/usr/bin/env bash
# Rootless beside rootful in one hyperfine run: `run /bin/true` on one busybox root filesystem,
# rootful, rootless forced as root (TINYDOCKER_ROOTLESS=1) and, when the user exists, rootless as
# the ordinary user the tests make (tdrootless). Run as root:   sudo bench/rootless.sh
# TINYDOCKER_EXE picks the build (default: a NativeAOT publish made here). Compare the ratios:
# these machines are noisy. Then the CPU per run of each (perf stat, ROUNDS rounds, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
RUNS=${RUNS:-30}
work=$(mktemp -d /var/tmp/tinydocker-rootless-bench.XXXXXX)
chmod 755 "$work"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

exe=${TINYDOCKER_EXE:-}
if [ -z "$exe" ]; then
  dotnet publish tool/TinyDocker.Cli -c Release -r "linux-$(uname -m | sed -e s/x86_64/x64/ -e s/aarch64/arm64/)" -o "$work/aot" -nologo -clp:ErrorsOnly
  exe="$work/aot/dotnet-tinydocker"
fi

img="$work/img"
mkdir -p "$img"/{bin,etc,proc,sys,dev,tmp,root}
cp /bin/busybox "$img/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$img/bin/$a"; done
mkdir -p "$work/state-root" "$work/state-user"

# Every command through the same setpriv, so that its exec weighs on each alike.
asroot="setpriv --reuid=root --regid=root --init-groups"
cmds=("$asroot env TINYDOCKER_ROOT=$work/state-root $exe run --no-cwd --image $img b1 /bin/true"
      "$asroot env TINYDOCKER_ROOT=$work/state-root TINYDOCKER_ROOTLESS=1 $exe run --no-cwd --image $img b2 /bin/true")
names=(rootful "rootless (forced as root)")
if id tdrootless >/dev/null 2>&1; then
  chown tdrootless: "$work/state-user"
  cmds+=("setpriv --reuid=tdrootless --regid=tdrootless --init-groups env HOME=/tmp TINYDOCKER_ROOT=$work/state-user TINYDOCKER_DATA=$work/state-user $exe run --no-cwd --image $img b3 /bin/true")
  names+=("rootless (user tdrootless)")
fi
args=()
for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N -w 3 -r "$RUNS" --export-markdown "$work/result.md" "${args[@]}"
cat "$work/result.md"

# CPU per run (task-clock of the tool and every process it starts: init, unshare, newuidmap...),
# which moves less with the machine's load than the wall times: ROUNDS rounds of `perf stat -r RUNS`,
# the commands alternating within each round. Compare each round's ratios.
if command -v perf >/dev/null; then
  echo
  echo "| round | $(printf '%s | ' "${names[@]}")ratio(s) to rootful |"
  echo "|---$(printf '|---%.0s' "${names[@]}")|---|"
  for round in $(seq "${ROUNDS:-3}"); do
    cpu=()
    for c in "${cmds[@]}"; do
      cpu+=("$(perf stat -r "$RUNS" -x, -e task-clock $c 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1}')")
    done
    ratios=$(for x in "${cpu[@]:1}"; do awk -v a="$x" -v b="${cpu[0]}" 'BEGIN {printf "%.2fx ", a / b}'; done)
    echo "| $round | $(printf '%s ms | ' "${cpu[@]}")$ratios|"
  done
fi
