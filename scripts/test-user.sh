#!/usr/bin/env bash
# Makes (as root) the ordinary user the rootless tests run as, when missing, and sets its
# subordinate ids: with SUBID_START a range of 65536 ids from there in /etc/subuid and
# /etc/subgid (a podman-style map), without it none (the map `0 -> uid` only). Idempotent.
# The one place that makes the test users: scripts/test.sh (the rootless pass) and
# tests/TinyDocker.Testing/RootlessUser.cs both call it.
#   scripts/test-user.sh NAME [SUBID_START]
set -euo pipefail
name=$1 start=${2:-}
# A lock: test processes of several suites may make the same user at once.
exec 9>/run/tinydocker-test-user.lock
flock 9
getent passwd "$name" >/dev/null || useradd --create-home --shell /bin/sh "$name"
# useradd may or may not add ranges (SUB_UID_COUNT in login.defs): make them what this user needs.
for file in /etc/subuid /etc/subgid; do
  touch "$file"
  { grep -v "^$name:" "$file" || true; if [ -n "$start" ]; then echo "$name:$start:65536"; fi; } > "$file.tinydocker-new"
  chmod 644 "$file.tinydocker-new"
  mv "$file.tinydocker-new" "$file"
done
