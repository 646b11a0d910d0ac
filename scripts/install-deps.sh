#!/usr/bin/env bash
# Installs what building and testing tinydocker needs on a fresh Debian machine (as root).
# Idempotent: packages already present are left alone.
set -euo pipefail
# python3: the escape suite makes raw system calls through ctypes; gcc and libc6-dev build its
# static attack programs (tests/TinyDocker.Testing/CProgram.cs); musl-tools links the tool's rootless
# first step (tool/TinyDocker.FirstStep) statically against musl, whose start-up costs a run far
# less than glibc's (docs/benchmarks.md; glibc's libc6-dev is the fallback).
# uidmap: newuidmap/newgidmap for rootless containers with a full id map (util-linux, essential, brings unshare, nsenter and setpriv).
# postgresql-15: a real service for the published-port tests; redis-server: the test adapter's run-scoped service (samples/services).
# debootstrap: the Debian image (PostgreSQL 15, Redis) of the service suites, built once and cached
# under /var/tmp/tinydocker-test-images (tests/TinyDocker.Testing/DebianImage.cs).
packages=(busybox-static docker-registry skopeo umoci python3 gcc libc6-dev musl-tools uidmap postgresql-15 redis-server debootstrap)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
