#!/usr/bin/env bash
# Measures tinydocker beside bubblewrap, runc, unshare and docker in one run, on one busybox root
# filesystem, and writes docs/benchmarks.md. Run as root:   sudo bench/run.sh
# Figures are medians from hyperfine; these machines are noisy, so compare the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
RUNS=${RUNS:-40}

apt_missing=()
for p in hyperfine bubblewrap runc busybox-static time debootstrap valgrind; do
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
cleanup() {
  if [ -n "$dockerd_pid" ]; then kill "$dockerd_pid" 2>/dev/null; wait "$dockerd_pid" 2>/dev/null || true; fi
  # What a daemon of our own could leave: mounts under its data root, its cgroups (empty by now).
  awk -v d="$work/docker" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  # Its containers' cgroups are under a parent of this run's own (other daemons may be running),
  # in every hierarchy (cgroup v1 has one per controller).
  if [ -n "$dockerd_pid" ]; then
    for d in /sys/fs/cgroup/"$docker_cgroup" /sys/fs/cgroup/*/"$docker_cgroup"; do
      [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
  fi
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

bwrap_cmd="bwrap --ro-bind $small / --proc /proc --dev /dev --tmpfs /tmp --unshare-all --die-with-parent /bin/true"
hf() { hyperfine -N --style basic --warmup 5 "$@" 2>&1 | grep -vE "^\s*$"; }

echo "== run /bin/true"
hf --runs "$RUNS" --export-json "$work/true.json" \
  -n "true (no container)" "/bin/true" \
  -n "unshare -fmpuin --mount-proc" "unshare -fmpuin --mount-proc /bin/true" \
  -n "bubblewrap" "$bwrap_cmd" \
  -n "runc" "runc run -b $bundle bench-runc" \
  "${docker_cmd[@]}" \
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
