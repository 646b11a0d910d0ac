#!/usr/bin/env bash
# Image benchmarks (run as root; a benchmark, not a test):
#   1. run latency on a ~10 MB image vs a ~1 GB image, measured interleaved in the same run
#      (start latency must not grow with image size: overlay lowers are not copied);
#   2. `image import` of a Debian minbase gzip layer (~90 MB, cached under /var/tmp) vs `tar -xzf`.
# Prints a markdown section for docs/benchmarks.md. Uses its own data and state roots, removed at exit.
#   bench/images.sh [RUNS]     (default 20 runs per image)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
source scripts/env.sh 2>/dev/null || true

dotnet build tool/TinyDocker.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
exe=${TINYDOCKER_EXE:-$PWD/tool/TinyDocker.Cli/bin/Release/net10.0/dotnet-tinydocker}
work=$(mktemp -d /tmp/tinydocker-bench-XXXXXX)
export TINYDOCKER_DATA=$work/data TINYDOCKER_ROOT=/run/tinydocker-bench-$$
cleanup() { rm -rf "$work"; rm -rf "$TINYDOCKER_ROOT"; }
trap cleanup EXIT

rootfs() { # DIR EXTRA_MB: busybox-static plus EXTRA_MB of incompressible files of 4 MB each
  mkdir -p "$1/bin" "$1/etc" "$1/data"
  cp /bin/busybox "$1/bin/busybox"
  for a in sh true ls cat; do ln -sf busybox "$1/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$1/etc/passwd"
  local n=$(( $2 / 4 ))
  for i in $(seq 1 "$n"); do head -c 4M /dev/urandom > "$1/data/blob$i"; done
}

ms_now() { date +%s%N; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

echo "building images..." >&2
rootfs "$work/small" 8
rootfs "$work/large" 1000
tar --numeric-owner -C "$work/small" -cf "$work/small.tar" .
tar --numeric-owner -C "$work/large" -cf "$work/large.tar" .
"$exe" image import "$work/small.tar" bench/small:1 >/dev/null
"$exe" image import "$work/large.tar" bench/large:1 >/dev/null
small_size=$(du -sm "$work/small" | cut -f1)
large_size=$(du -sm "$work/large" | cut -f1)
rm -rf "$work/small" "$work/large" "$work/small.tar" "$work/large.tar"

echo "run latency, $runs runs each, interleaved..." >&2
"$exe" run --image bench/small:1 warm1 true; "$exe" run --image bench/large:1 warm2 true
# Medians, not means: one run in twenty stalled by the machine moves a mean by a third.
smalls=(); larges=()
for i in $(seq 1 "$runs"); do
  t0=$(ms_now); "$exe" run --image bench/small:1 s$i true; t1=$(ms_now)
  "$exe" run --image bench/large:1 l$i true; t2=$(ms_now)
  smalls+=($(( t1 - t0 ))); larges+=($(( t2 - t1 )))
done
small_median=$(median "${smalls[@]}"); large_median=$(median "${larges[@]}")
small_ms=$(awk "BEGIN{printf \"%.1f\", $small_median/1e6}")
large_ms=$(awk "BEGIN{printf \"%.1f\", $large_median/1e6}")
run_ratio=$(awk "BEGIN{printf \"%.3f\", $large_median/$small_median}")

echo "import vs tar -xzf on a Debian minbase root filesystem (gzip)..." >&2
# A real distribution layer (many small files, links, devices), made once by debootstrap and
# cached: both tools read the same file and write to the same filesystem, paired run by run.
layer=${TINYDOCKER_BENCH_LAYER:-/var/tmp/tinydocker-bench-bookworm.tar.gz}
if [ ! -s "$layer" ]; then
  debootstrap --variant=minbase bookworm "$work/deb" >/dev/null
  tar --numeric-owner -C "$work/deb" -czf "$layer.part" . && mv "$layer.part" "$layer"
  rm -rf "$work/deb"
fi
gz_mb=$(du -m "$layer" | cut -f1)
tars=(); imports=(); ratios=()
for i in 1 2 3 4 5; do
  rm -rf "$work/x" "$work/data2"; mkdir "$work/x"; sync
  t0=$(ms_now); tar --numeric-owner -xzf "$layer" -C "$work/x"; t1=$(ms_now)
  rm -rf "$work/x"; sync
  t2=$(ms_now); TINYDOCKER_DATA=$work/data2 "$exe" image import "$layer" bench/layer:1 >/dev/null; t3=$(ms_now)
  tars+=($(( (t1 - t0) / 1000000 ))); imports+=($(( (t3 - t2) / 1000000 )))
  ratios+=("$(awk "BEGIN{printf \"%.2f\", ($t3 - $t2)/($t1 - $t0)}")")
done
rm -rf "$work/x" "$work/data2"
tar_ms=$(median "${tars[@]}")
import_ms=$(median "${imports[@]}")
import_ratio=$(median "${ratios[@]}")
all_ratios=$(printf '%s\n' "${ratios[@]}" | sort -n | paste -sd' ')

cat <<MD
## Images

Measured by \`bench/images.sh\` on $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d).

| what | figure |
|---|---|
| \`run --image\` /bin/true, ${small_size} MB image (median of $runs) | ${small_ms} ms |
| \`run --image\` /bin/true, ${large_size} MB image (median of $runs, interleaved) | ${large_ms} ms |
| ratio large / small (target ≤ 1.1) | ${run_ratio} |
| \`tar -xzf\` of a ${gz_mb} MB gzip layer, Debian bookworm minbase (median of 5) | ${tar_ms} ms |
| \`image import\` of the same file (median of 5) | ${import_ms} ms |
| ratio import / tar, median of 5 paired runs (target ≤ 1.0) | ${import_ratio} (all: ${all_ratios}) |
MD
