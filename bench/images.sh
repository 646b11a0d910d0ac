#!/usr/bin/env bash
# Image benchmarks (run as root; a benchmark, not a test):
#   1. run latency on a ~10 MB image vs a ~1 GB image, measured interleaved in the same run
#      (start latency must not grow with image size: overlay lowers are not copied);
#   2. `image import` of a ~200 MB gzip layer vs `tar -xzf` of the same file.
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
small_total=0; large_total=0
for i in $(seq 1 "$runs"); do
  t0=$(ms_now); "$exe" run --image bench/small:1 s$i true; t1=$(ms_now)
  "$exe" run --image bench/large:1 l$i true; t2=$(ms_now)
  small_total=$(( small_total + t1 - t0 )); large_total=$(( large_total + t2 - t1 ))
done
small_ms=$(awk "BEGIN{printf \"%.1f\", $small_total/$runs/1e6}")
large_ms=$(awk "BEGIN{printf \"%.1f\", $large_total/$runs/1e6}")
run_ratio=$(awk "BEGIN{printf \"%.3f\", $large_total/$small_total}")

echo "import vs tar -xzf on a ~200 MB gzip layer..." >&2
mkdir -p "$work/layer"
for i in $(seq 1 50); do head -c 4M /dev/urandom > "$work/layer/blob$i"; done
for i in $(seq 1 2000); do seq 1 2000 > "$work/layer/text$i"; done # many small compressible files too
tar --numeric-owner -C "$work/layer" -czf "$work/layer.tar.gz" .
rm -rf "$work/layer"
gz_mb=$(du -m "$work/layer.tar.gz" | cut -f1)
best_tar=0; best_import=0
for i in 1 2 3; do
  rm -rf "$work/x"; mkdir "$work/x"; sync
  t0=$(ms_now); tar --numeric-owner -xzf "$work/layer.tar.gz" -C "$work/x"; t1=$(ms_now)
  rm -rf "$work/x" "$work/data2"; sync
  t2=$(ms_now); TINYDOCKER_DATA=$work/data2 "$exe" image import "$work/layer.tar.gz" bench/layer:1 >/dev/null; t3=$(ms_now)
  d_tar=$(( t1 - t0 )); d_imp=$(( t3 - t2 ))
  { [ $best_tar -eq 0 ] || [ $d_tar -lt $best_tar ]; } && best_tar=$d_tar
  { [ $best_import -eq 0 ] || [ $d_imp -lt $best_import ]; } && best_import=$d_imp
done
rm -rf "$work/x" "$work/data2"
tar_ms=$(awk "BEGIN{printf \"%.0f\", $best_tar/1e6}")
import_ms=$(awk "BEGIN{printf \"%.0f\", $best_import/1e6}")
import_ratio=$(awk "BEGIN{printf \"%.2f\", $best_import/$best_tar}")

cat <<MD
## Images

Measured by \`bench/images.sh\` on $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d).

| what | figure |
|---|---|
| \`run --image\` /bin/true, ${small_size} MB image (mean of $runs) | ${small_ms} ms |
| \`run --image\` /bin/true, ${large_size} MB image (mean of $runs, interleaved) | ${large_ms} ms |
| ratio large / small (target ≤ 1.1) | ${run_ratio} |
| \`tar -xzf\` of a ${gz_mb} MB gzip layer (best of 3) | ${tar_ms} ms |
| \`image import\` of the same file (best of 3) | ${import_ms} ms |
| ratio import / tar (target ≤ 1.3) | ${import_ratio} |
MD
