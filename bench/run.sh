#!/usr/bin/env bash
# Measures tinydocker beside bubblewrap, runc, crun, unshare, docker and podman in one run, on one busybox root
# filesystem, and writes docs/benchmarks.md. Run as root:   sudo bench/run.sh
# Figures are medians from hyperfine; these machines are noisy, so compare the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
RUNS=${RUNS:-40}

apt_missing=()
for p in hyperfine bubblewrap runc crun podman busybox-static time debootstrap valgrind; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || apt_missing+=("$p")
done
if [ ${#apt_missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

work=$(mktemp -d /var/tmp/tinydocker-bench.XXXXXX)
# bench/rootless.sh runs the NativeAOT build from here as the ordinary user too.
chmod 755 "$work"
export TINYDOCKER_ROOT=/run/tinydocker-bench
dockerd_pid=
docker_cgroup=tinydocker-bench-$$
podman_cgroup=tinydocker-bench-podman-$$
# What podman and crun make outside the directories they are given (netavark's run directory,
# containers/image's cache, crun's state root), removed at the end only when absent now.
podman_made=()
for d in /run/containers /var/lib/containers /run/crun; do [ -e "$d" ] || podman_made+=("$d"); done
cleanup() {
  if [ -n "$dockerd_pid" ]; then kill "$dockerd_pid" 2>/dev/null; wait "$dockerd_pid" 2>/dev/null || true; fi
  # podman has no daemon: each run's conmon exits with its container; one still alive (a run
  # interrupted) is ended by the pid it wrote, never by name.
  for f in $(find "$work/podman" -name conmon.pid 2>/dev/null); do
    pid=$(cat "$f"); grep -qs conmon "/proc/$pid/cmdline" && kill -9 "$pid" 2>/dev/null || true
  done
  for d in "${podman_made[@]}"; do rm -rf "$d"; done
  # What a daemon of our own and podman could leave: mounts under their data roots (podman's
  # storage binds its directory onto itself, its containers' overlays), crun's mount namespace
  # (held by a bind of it, below); then their cgroups (empty by now).
  awk -v d="$work/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  # Their containers' cgroups are under parents of this run's own (other daemons may be running),
  # in every hierarchy (cgroup v1 has one per controller).
  # A container still running then (a run interrupted: its conmon killed above, or the daemon) is
  # ended through its cgroup: every process in a cgroup below those parents (one hierarchy holds
  # them all; its PID 1 takes only SIGKILL from outside), then the empty cgroups are removed.
  # crun and runc remove their containers' own as they exit.
  for p in "$docker_cgroup" "$podman_cgroup"; do
    for _ in $(seq 50); do
      procs=$(find /sys/fs/cgroup/pids/"$p" /sys/fs/cgroup/"$p" -name cgroup.procs -exec cat {} + 2>/dev/null || true)
      [ -z "$procs" ] && break
      kill -9 $procs 2>/dev/null || true; sleep 0.1
    done
    for d in /sys/fs/cgroup/{,*/}"$p"; do
      [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
  done
  rm -rf "$work"; rm -rf "$TINYDOCKER_ROOT"
}
trap cleanup EXIT
# The load the run shared its cores with, at its start and its end (in the document's header).
cut -d' ' -f1-3 /proc/loadavg > "$work/load-start"

echo "== building tinydocker (NativeAOT and framework-dependent)"
# TINYDOCKER_EXE: a NativeAOT publish of this tree already made (a publish takes minutes).
if [ -n "${TINYDOCKER_EXE:-}" ]; then
  AOT=$TINYDOCKER_EXE
else
  dotnet publish tool/TinyDocker.Cli -c Release -r "linux-$(uname -m | sed -e s/x86_64/x64/ -e s/aarch64/arm64/)" -o "$work/aot" -nologo -clp:ErrorsOnly
  AOT="$work/aot/dotnet-tinydocker"
fi
dotnet publish tool/TinyDocker.Cli -c Release -p:PublishAot=false -o "$work/jit" -nologo -clp:ErrorsOnly
JIT="$work/jit/dotnet-tinydocker"

echo "== image: a 10 MB busybox root filesystem"
small="$work/img-10m"
mkdir -p "$small"/{bin,etc,proc,sys,dev,tmp,root,w}
cp /bin/busybox "$small/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$small/bin/$a"; done
head -c 8M /dev/urandom > "$small/pad"

echo "== runc bundle"
bundle="$work/bundle"; mkdir -p "$bundle"
(cd "$bundle" && runc spec)
python3 - "$bundle/config.json" "$small" <<'PY'
import json, sys
path, rootfs = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(path, "w"), indent=1)
PY

# docker beside them when its daemon can be started: a daemon of this script's own (its data,
# socket and pid under $work; no bridge, no iptables rules), stopped by its pid at the end.
docker_cmd=()
if command -v dockerd >/dev/null && command -v docker >/dev/null; then
  mkdir -p "$work/docker"
  dockerd --cgroup-parent "/$docker_cgroup" --data-root "$work/docker/data" --exec-root "$work/docker/exec" --pidfile "$work/docker/pid" \
    -H "unix://$work/docker/sock" --bridge=none --iptables=false --ip6tables=false >"$work/docker/log" 2>&1 &
  dockerd_pid=$!
  export DOCKER_HOST="unix://$work/docker/sock"
  for _ in $(seq 100); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
  if tar -C "$small" -c . | docker import - bench-busybox >/dev/null 2>&1; then
    docker_cmd=(-n "docker run --rm" "docker run --rm --network none bench-busybox /bin/true")
  else
    echo "docker: the daemon did not start (see $work/docker/log); left out"
  fi
fi

# podman beside docker: no daemon, its storage, run state, temporary files and configuration in
# $work/podman (CONTAINERS_CONF and the flags: nothing under /var/lib/containers or /etc/containers
# is read for it or written), the root filesystem imported as an image as for docker, runc as its
# runtime and the limits it can set here (bench/README.md says why).
podman_cmd=()
if command -v podman >/dev/null; then
  mkdir -p "$work/podman/networks"
  # podman sets RLIMIT_NOFILE 1048576 by default and its own RLIMIT_NPROC to 32768 before it runs
  # the runtime, and without CAP_SYS_RESOURCE (this VM's root has none) no limit may go above its
  # hard one: the container gets this shell's hard RLIMIT_NOFILE and podman's own RLIMIT_NPROC.
  nproc=$(ulimit -Hu); [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
  cat > "$work/podman/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
runtime = "runc"
[network]
network_config_dir = "$work/podman/networks"
EOF
  export CONTAINERS_CONF="$work/podman/containers.conf" CONTAINERS_REGISTRIES_CONF="$work/podman/registries.conf"
  : > "$work/podman/registries.conf"
  podman=(podman --root "$work/podman/root" --runroot "$work/podman/run" --tmpdir "$work/podman/tmp" --storage-driver overlay)
  # containers/image records the imported blob in /var/lib/containers/cache (skopeo's cache too):
  # the import runs in a mount namespace where that directory is an empty tmpfs.
  if [ -d /var/lib/containers ]; then
    import_ns=(unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /var/lib/containers && exec "$@"' sh)
  else
    import_ns=()
  fi
  if tar -C "$small" -c . | "${import_ns[@]}" "${podman[@]}" import - bench-busybox >"$work/podman/log" 2>&1 &&
     "${podman[@]}" run --rm --network none --cgroup-parent "/$podman_cgroup" bench-busybox /bin/true >>"$work/podman/log" 2>&1; then
    podman_cmd=(-n "podman run --rm" "${podman[*]} run --rm --network none --cgroup-parent /$podman_cgroup bench-busybox /bin/true")
  else
    echo "podman: $(grep -m1 -i error "$work/podman/log" || tail -1 "$work/podman/log"); left out"
  fi
fi

# crun beside runc on the same bundle. crun 1.8 refuses a hybrid cgroup host whose cgroup2 has a
# controller ("cgroups in hybrid mode not supported", this VM's has hugetlb) whatever its cgroup
# manager; runc uses the v1 hierarchies there. So crun runs in a mount namespace of this script's
# own where an empty tmpfs covers /sys/fs/cgroup/unified: it then sees cgroup v1 alone, as runc
# does, and makes its cgroups there. Entering it costs crun's row an nsenter (a setns and an exec).
crun_cmd=()
if command -v crun >/dev/null; then
  crun_run="crun run -b $bundle bench-crun"
  if grep -qs . /sys/fs/cgroup/unified/cgroup.controllers; then
    mkdir "$work/crun-ns" && mount --bind "$work/crun-ns" "$work/crun-ns" && mount --make-private "$work/crun-ns"
    touch "$work/crun-ns/mnt"
    unshare --mount="$work/crun-ns/mnt" --propagation private mount -t tmpfs -o size=1m,mode=755 tmpfs /sys/fs/cgroup/unified
    crun_run="nsenter --mount=$work/crun-ns/mnt $crun_run"
  fi
  if out=$($crun_run 2>&1); then
    crun_cmd=(-n "crun" "$crun_run")
  else
    echo "crun: ${out%%$'\n'*}; left out"
  fi
fi

bwrap_cmd="bwrap --ro-bind $small / --proc /proc --dev /dev --tmpfs /tmp --unshare-all --die-with-parent /bin/true"
hf() { hyperfine -N --style basic --warmup 5 "$@" 2>&1 | grep -vE "^\s*$"; }

echo "== run /bin/true"
hf --runs "$RUNS" --export-json "$work/true.json" \
  -n "true (no container)" "/bin/true" \
  -n "unshare -fmpuin --mount-proc" "unshare -fmpuin --mount-proc /bin/true" \
  -n "bubblewrap" "$bwrap_cmd" \
  -n "runc" "runc run -b $bundle bench-runc" \
  "${crun_cmd[@]}" \
  "${docker_cmd[@]}" \
  "${podman_cmd[@]}" \
  -n "tinydocker (NativeAOT)" "$AOT run --image $small bench-aot /bin/true" \
  -n "tinydocker (framework-dependent)" "$JIT run --image $small bench-jit /bin/true"

echo "== throughput: 200 containers, 8 at a time"
hyperfine --style basic --runs 3 --warmup 1 --export-json "$work/throughput.json" \
  -n "tinydocker (NativeAOT)" "seq 200 | xargs -P8 -I{} $AOT run --image $small tp{} /bin/true" \
  -n "bubblewrap" "seq 200 | xargs -P8 -I{} $bwrap_cmd" 2>&1 | grep -vE "^\s*$"

echo "== I/O: unpack and scan a source tree, in a container and on the host (both on tmpfs)"
tar -cf "$work/src.tar" -C /usr include
io='rm -rf "$1" && mkdir -p "$1" && tar -xf "$2" -C "$1" && find "$1" -type f | xargs cat | wc -c'
hyperfine --style basic --runs 5 --warmup 1 --export-json "$work/io.json" \
  -n "in a container" "$AOT run --image $small -v $work/src.tar:/src.tar:ro bench-io /bin/sh -c '$io' sh /w/tree /src.tar" \
  -n "on the host" "/bin/busybox sh -c '$io' sh /dev/shm/tinydocker-bench-io $work/src.tar" 2>&1 | grep -vE "^\s*$"
rm -rf /dev/shm/tinydocker-bench-io

echo "== peak resident memory"
rss() { for _ in 1 2 3 4 5; do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 3p; }
rss_aot=$(rss "$AOT" run --image "$small" rss-aot /bin/true)
rss_jit=$(rss "$JIT" run --image "$small" rss-jit /bin/true)
echo "NativeAOT ${rss_aot} KB, framework-dependent ${rss_jit} KB"

echo "== where the time goes (NativeAOT, --debug)"
"$AOT" run --debug --image "$small" bench-trace /bin/true 2> "$work/trace.txt"
cat "$work/trace.txt"

echo "== user-space instructions of one run (callgrind, bench/instructions.sh)"
bench/instructions.sh "$AOT" 3 | tee "$work/instructions.txt"

echo "== rootless beside rootful (bench/rootless.sh)"
TINYDOCKER_EXE="$AOT" bench/rootless.sh > "$work/rootless.txt"
sed -n '/^| Command/,$p' "$work/rootless.txt" > "$work/rootless.md"
cat "$work/rootless.md"

echo "== images: start latency on 10 MB vs 1 GB images, import vs tar (bench/images.sh)"
TINYDOCKER_EXE="$AOT" bench/images.sh 20 > "$work/images.md"

# Sections other scripts write (bench/testadapter.sh, the services one), between
# `<!-- NAME ... -->` and `<!-- /NAME -->`: kept as they are.
awk '/^<!-- [a-z]+[: ]/ { split($2, n, ":"); name = n[1]; keep = 1 } keep { print } keep && $0 == "<!-- /" name " -->" { keep = 0 }' \
  docs/benchmarks.md > "$work/kept.md"
cut -d' ' -f1-3 /proc/loadavg > "$work/load-end"
python3 bench/report.py "$work" "$rss_aot" "$rss_jit" > "$work/benchmarks.md"
cat "$work/kept.md" >> "$work/benchmarks.md"
cp "$work/benchmarks.md" docs/benchmarks.md
echo "== wrote docs/benchmarks.md"
