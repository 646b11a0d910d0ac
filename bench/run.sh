#!/usr/bin/env bash
# Measures tinydocker beside bubblewrap, runc and unshare in one run, on one busybox root
# filesystem, and writes docs/benchmarks.md. Run as root:   sudo bench/run.sh
# Figures are medians from hyperfine; these machines are noisy, so compare the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
RUNS=${RUNS:-40}

apt_missing=()
for p in hyperfine bubblewrap runc busybox-static time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || apt_missing+=("$p")
done
if [ ${#apt_missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

work=$(mktemp -d /var/tmp/tinydocker-bench.XXXXXX)
export TINYDOCKER_ROOT=/run/tinydocker-bench
cleanup() { rm -rf "$work"; rm -rf "$TINYDOCKER_ROOT"; }
trap cleanup EXIT

echo "== building tinydocker (NativeAOT and framework-dependent)"
dotnet publish tool/TinyDocker.Cli -c Release -r "linux-$(uname -m | sed -e s/x86_64/x64/ -e s/aarch64/arm64/)" -o "$work/aot" -nologo -clp:ErrorsOnly
dotnet publish tool/TinyDocker.Cli -c Release -p:PublishAot=false -o "$work/jit" -nologo -clp:ErrorsOnly
AOT="$work/aot/dotnet-tinydocker"
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

bwrap_cmd="bwrap --ro-bind $small / --proc /proc --dev /dev --tmpfs /tmp --unshare-all --die-with-parent /bin/true"
hf() { hyperfine -N --style basic --warmup 5 "$@" 2>&1 | grep -vE "^\s*$"; }

echo "== run /bin/true"
hf --runs "$RUNS" --export-json "$work/true.json" \
  -n "true (no container)" "/bin/true" \
  -n "unshare -fmpuin --mount-proc" "unshare -fmpuin --mount-proc /bin/true" \
  -n "bubblewrap" "$bwrap_cmd" \
  -n "runc" "runc run -b $bundle bench-runc" \
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

echo "== images: start latency on 10 MB vs 1 GB images, import vs tar (bench/images.sh)"
TINYDOCKER_EXE="$AOT" bench/images.sh 20 > "$work/images.md"

python3 bench/report.py "$work" "$rss_aot" "$rss_jit" > docs/benchmarks.md
echo "== wrote docs/benchmarks.md"
