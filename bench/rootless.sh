#!/usr/bin/env bash
# Rootless beside rootful in one hyperfine run: `run /bin/true` on one busybox root filesystem,
# rootful, rootless forced as root (TINYDOCKER_ROOTLESS=1) and rootless as the ordinary user the
# tests make (tdrootless, with its subuid/subgid range: scripts/test-user.sh), beside podman
# rootless (when installed) and bubblewrap as that user. Run as root:   sudo bench/rootless.sh
# TINYDOCKER_EXE picks the build (default: a NativeAOT publish made here). Compare the ratios:
# these machines are noisy. Then the same interleaved run by run (INTERLEAVED_ROUNDS, default 60),
# then the CPU per run of each (perf stat, ROUNDS rounds, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
RUNS=${RUNS:-30}
work=$(mktemp -d /var/tmp/tinydocker-rootless-bench.XXXXXX)
chmod 755 "$work"
user=tdrootless
cleanup() {
  # podman rootless keeps a pause process (the holder of its user and mount namespaces, where its
  # storage's overlays are mounted) and a conmon per container (detached): ended by the pids
  # they wrote, never by name; the namespaces and their mounts go with the last of them.
  # A container still running then (a run interrupted) is in the pause process's user namespace
  # (rootless podman's containers share it, and on cgroup v1 have no cgroup): every process of
  # that namespace goes.
  pause=$(cat "$work/p/tmp/pause.pid" 2>/dev/null || true)
  if [ -n "$pause" ] && [ "$(stat -c %U "/proc/$pause" 2>/dev/null)" = "$user" ]; then
    userns=$(readlink "/proc/$pause/ns/user" || true)
    for ns in /proc/[0-9]*/ns/user; do
      if [ -n "$userns" ] && [ "$(readlink "$ns" 2>/dev/null)" = "$userns" ]; then
        pid=${ns#/proc/}; kill -9 "${pid%%/*}" 2>/dev/null || true
      fi
    done
  fi
  for f in $(find "$work/p" -name pause.pid -o -name conmon.pid 2>/dev/null); do
    pid=$(cat "$f")
    [ "$(stat -c %U "/proc/$pid" 2>/dev/null)" = "$user" ] && kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
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
# The user and its range, as the rootless tests make them (podman rootless needs the range).
scripts/test-user.sh "$user" 3000000

# Every command through the same setpriv, so that its exec weighs on each alike.
asroot="setpriv --reuid=root --regid=root --init-groups"
cmds=("$asroot env TINYDOCKER_ROOT=$work/state-root $exe run --no-cwd --image $img b1 /bin/true"
      "$asroot env TINYDOCKER_ROOT=$work/state-root TINYDOCKER_ROOTLESS=1 $exe run --no-cwd --image $img b2 /bin/true")
names=(rootful "rootless (forced as root)")
asuser="setpriv --reuid=$user --regid=$user --init-groups env HOME=/tmp"
chown "$user:" "$work/state-user"
cmds+=("$asuser TINYDOCKER_ROOT=$work/state-user TINYDOCKER_DATA=$work/state-user $exe run --no-cwd --image $img b3 /bin/true")
names+=("rootless (user $user)")
# The same, with util-linux unshare as its first step instead of the tool's own (Rootless/OwnFirstStep.cs).
cmds+=("$asuser TINYDOCKER_ROOT=$work/state-user TINYDOCKER_DATA=$work/state-user TINYDOCKER_FIRST_STEP=util-linux $exe run --no-cwd --image $img b4 /bin/true")
names+=("rootless, util-linux first step (user $user)")

# podman rootless as the same user: its storage, run state, configuration and home in
# $work/p (the user's own), the root filesystem imported as an image (as bench/run.sh does);
# native overlay (the user cannot open /dev/fuse here, 0600 root, so no fuse-overlayfs) and runc
# (crun 1.8 refuses this hybrid cgroup host; bench/README.md). Rootless on cgroup v1 it uses no
# cgroup at all.
if command -v podman >/dev/null; then
  # (podman refuses a rootless run root path longer than 50 characters: a short name.)
  pw="$work/p"
  mkdir -p "$pw/home" "$pw/xdg-run" && chmod 700 "$pw/xdg-run"
  printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\nruntime = "runc"\n[network]\nnetwork_config_dir = "%s"\n' "$pw/networks" > "$pw/containers.conf"
  : > "$pw/registries.conf"
  tar -C "$img" -cf "$pw/img.tar" .
  chown -R "$user:" "$pw"
  podman="setpriv --reuid=$user --regid=$user --init-groups env HOME=$pw/home XDG_RUNTIME_DIR=$pw/xdg-run CONTAINERS_CONF=$pw/containers.conf CONTAINERS_REGISTRIES_CONF=$pw/registries.conf podman --root $pw/root --runroot $pw/run --tmpdir $pw/tmp --storage-driver overlay"
  if $podman import "$pw/img.tar" bench-busybox >"$pw/log" 2>&1 && $podman run --rm --network none bench-busybox /bin/true >>"$pw/log" 2>&1; then
    cmds+=("$podman run --rm --network none bench-busybox /bin/true")
    names+=("podman rootless (user $user)")
  else
    echo "podman rootless: $(grep -m1 -i error "$pw/log" || tail -1 "$pw/log"); left out" >&2
  fi
else
  echo "podman rootless: podman is not installed (bench/run.sh installs it); left out" >&2
fi
# bubblewrap as the user: a user namespace of its own with a single-id map, binds, no overlay.
cmds+=("$asuser bwrap --unshare-all --ro-bind $img / --proc /proc --dev /dev --tmpfs /tmp --die-with-parent /bin/true")
names+=("bubblewrap (user $user)")
args=()
for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N -w 3 -r "$RUNS" --export-markdown "$work/result.md" --export-json "$work/result.json" "${args[@]}"
cat "$work/result.md"
# Medians, as every other table of docs/benchmarks.md: one slow run moves a mean of 30 a lot here.
echo
python3 - "$work/result.json" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
medians = {r["command"]: statistics.median(r["times"]) * 1000 for r in results}
print("| command | median | vs rootful |")
print("|---|---|---|")
for name, m in medians.items():
    print(f"| `{name}` | {m:.1f} ms | {m / medians['rootful']:.2f}x |")
PY

# The same commands interleaved run by run (bench/interleaved.py): what drift does to hyperfine's
# blocks does not favour any of them here. podman's runs are left out (one costs a dozen others).
echo
interleaved=()
for i in "${!cmds[@]}"; do
  case ${names[$i]} in podman*) ;; *) interleaved+=("${names[$i]}=${cmds[$i]}") ;; esac
done
bench/interleaved.py "${INTERLEAVED_ROUNDS:-60}" "${interleaved[@]}"

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
