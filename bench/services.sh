#!/usr/bin/env bash
# sudo bench/services.sh [RUNS]  (default 10)
# PostgreSQL 15 start-to-ready: TinyDocker.Services against Docker plus Testcontainers for .NET
# 4.16.0 on this machine, each from a snapshot of an initialised database and with initdb per
# start. Both start the same Debian root filesystem (the service suites' cached debootstrap image,
# imported into each), so only the engines differ. Starts a dockerd of its own (its own data root
# and socket, no iptables rules) and stops it by its pid at the end.
# Writes the "Services" section of docs/benchmarks.md (between its markers).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-10}
[ "$(id -u)" = 0 ] || { echo "run as root (containers, dockerd)" >&2; exit 1; }
command -v dockerd >/dev/null && command -v debootstrap >/dev/null || { echo "needs docker.io and debootstrap (scripts/install-deps.sh)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/tinydocker-bench-services.XXXXXX)
state=/run/tinydocker-bench-services-$$
dockerd_pid=
had_docker0=$(ip link show docker0 >/dev/null 2>&1 && echo yes || echo no)
cleanup() {
  set +e
  if [ -n "$dockerd_pid" ]; then
    docker rm -f $(docker ps -aq) >/dev/null 2>&1
    kill "$dockerd_pid"; while kill -0 "$dockerd_pid" 2>/dev/null; do sleep 0.2; done
  fi
  [ "$had_docker0" = no ] && ip link del docker0 2>/dev/null
  [ -x "${cli:-}" ] && TINYDOCKER_ROOT=$state "$cli" prune >/dev/null
  rm -rf "$work" "$state"
}
trap cleanup EXIT

# The image of tests/TinyDocker.Testing/DebianImage.cs, same key and place: built once per machine.
cache=/var/tmp/tinydocker-test-images
key=bookworm-minbase-$(printf 'postgresql-15,redis-server' | sha256sum | cut -c1-12)
tar=$cache/$key.tar
if [ ! -f "$tar" ]; then
  mkdir -p "$cache"
  if [ ! -d "$cache/$key" ]; then
    debootstrap --variant=minbase --include=postgresql-15,redis-server bookworm "$cache/.$key.build-$$" http://deb.debian.org/debian
    rm -f "$cache/.$key.build-$$"/var/cache/apt/archives/*.deb
    mv "$cache/.$key.build-$$" "$cache/$key"
  fi
  tar --numeric-owner --xattrs -C "$cache/$key" -cf "$tar.build-$$" . && mv "$tar.build-$$" "$tar"
fi

# The NativeAOT CLI, as the package carries it (TINYDOCKER_EXE: another build).
cli=${TINYDOCKER_EXE:-}
if [ -z "$cli" ]; then
  dotnet publish "$repo/tool/TinyDocker.Cli" -c Release -r linux-x64 -o "$work/aot" -nologo -clp:ErrorsOnly >/dev/null
  cli=$work/aot/dotnet-tinydocker
fi
dotnet build "$repo/bench/services" -c Release -nologo -clp:ErrorsOnly >/dev/null
bench=("$(dirname "$(command -v dotnet)")/dotnet" "$repo/bench/services/bin/Release/net10.0/ServicesBench.dll")

export TINYDOCKER_ROOT=$state TINYDOCKER_DATA=$work/tinydocker-data
bin=/usr/lib/postgresql/15/bin
data=/var/lib/postgresql/bench
# Docker's published port arrives from the bridge (docker-proxy), not from 127.0.0.1: trust every host (both engines).
initdb_serve="$bin/initdb -D $data -A trust -U postgres >/dev/null && echo 'host all all 0.0.0.0/0 trust' >>$data/pg_hba.conf && exec $bin/postgres -D $data -k /tmp -c listen_addresses=*"
ready='database system is ready to accept connections'

# tinydocker: import, initialise once, commit the snapshot.
"$cli" image import "$tar" debian-services:1 >/dev/null
"$cli" run -d --no-cwd -u postgres --image debian-services:1 seed sh -c "$initdb_serve" >/dev/null
"$cli" wait --for "log:$ready" --timeout 120s seed
"$cli" exec -u postgres seed psql -h 127.0.0.1 -U postgres -qc checkpoint
"$cli" commit seed pg-bench:1 >/dev/null
"$cli" rm -f seed >/dev/null

# docker: its own daemon, the same tarball imported, initialised once, committed.
export DOCKER_HOST=unix://$work/docker.sock TESTCONTAINERS_RYUK_DISABLED=true
dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" --pidfile "$work/dockerd.pid" -H "$DOCKER_HOST" \
  --iptables=false --ip-masq=false >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
docker info >/dev/null || { cat "$work/dockerd.log" >&2; exit 1; }
# Testcontainers 4.16 asks for API 1.44; Debian bookworm's docker.io (20.10) serves 1.41 at most.
export DOCKER_API_VERSION=$(docker version -f '{{.Server.APIVersion}}')
docker import "$tar" debian-services:1 >/dev/null
docker run -d --name seed -u postgres debian-services:1 sh -c "$initdb_serve" >/dev/null
until docker logs seed 2>&1 | grep -q "$ready"; do sleep 0.2; done
docker exec -u postgres seed psql -h 127.0.0.1 -U postgres -qc checkpoint
docker commit seed pg-bench:1 >/dev/null
docker rm -f seed >/dev/null
docker_true_ms=$(python3 - <<'PY'
import subprocess, time, statistics
xs = []
for _ in range(5):
    t = time.perf_counter(); subprocess.run(["docker", "run", "--rm", "debian-services:1", "true"], check=True); xs.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(xs):.0f}")
PY
)
td_true_ms=$(python3 - "$cli" <<'PY'
import subprocess, sys, time, statistics
xs = []
for _ in range(5):
    t = time.perf_counter(); subprocess.run([sys.argv[1], "run", "--no-cwd", "--image", "debian-services:1", "t", "true"], check=True); xs.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(xs):.0f}")
PY
)

declare -A result
for engine in tinydocker testcontainers; do
  for mode in snapshot initdb; do
    image=$([ "$mode" = snapshot ] && echo pg-bench:1 || echo debian-services:1)
    line=$("${bench[@]}" "$engine" "$image" "$mode" "$RUNS" "$cli" | tee -a /dev/stderr | grep '^summary')
    result[$engine.$mode]=$line
  done
done
field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<"${result[$1]}"; }
ratio() { python3 -c "print(f'{$1 / max($2, 1):.1f}')"; }

section=$(cat <<MD
<!-- services: written by bench/services.sh -->
## Services: PostgreSQL start-to-ready, tinydocker against Docker plus Testcontainers

Measured by \`sudo bench/services.sh $RUNS\` on $(date -u +%Y-%m-%d) ($(nproc) cores, shared with other
builds and tests: read the ratios). Debian bookworm's PostgreSQL 15, the same debootstrap root
filesystem imported into both engines. *Ready*: from the start call to the first \`select 1\`
answered over the published port, in .NET: \`TinyContainer.StartAsync\` (TinyDocker.Services,
NativeAOT CLI: \`run -d\`, \`wait --for log:\`, \`port\`) against Testcontainers 4.16.0's
\`ContainerBuilder\` with \`UntilMessageIsLogged\` on Docker $(docker version -f '{{.Server.Version}}') (overlay2, Ryuk off:
it needs an image from a registry, and tinydocker needs no reaper). Medians of $RUNS, min–max.
*snapshot*: an initialised database committed once (\`tinydocker commit\` / \`docker commit\`), each
start from it; *initdb*: \`initdb\` then \`postgres\` at every start.

| per start | tinydocker | Docker + Testcontainers | ratio |
|---|---|---|---|
| ready, from the snapshot | $(field tinydocker.snapshot ready_median) ms ($(field tinydocker.snapshot ready_min)–$(field tinydocker.snapshot ready_max)) | $(field testcontainers.snapshot ready_median) ms ($(field testcontainers.snapshot ready_min)–$(field testcontainers.snapshot ready_max)) | $(ratio "$(field testcontainers.snapshot ready_median)" "$(field tinydocker.snapshot ready_median)")× |
| ready, initdb every start | $(field tinydocker.initdb ready_median) ms ($(field tinydocker.initdb ready_min)–$(field tinydocker.initdb ready_max)) | $(field testcontainers.initdb ready_median) ms ($(field testcontainers.initdb ready_min)–$(field testcontainers.initdb ready_max)) | $(ratio "$(field testcontainers.initdb ready_median)" "$(field tinydocker.initdb ready_median)")× |
| disposal (stop and remove), snapshot | $(field tinydocker.snapshot dispose_median) ms | $(field testcontainers.snapshot dispose_median) ms | $(ratio "$(field testcontainers.snapshot dispose_median)" "$(field tinydocker.snapshot dispose_median)")× |
| \`run true\` on the same image, CLI alone (median of 5) | $td_true_ms ms | $docker_true_ms ms (\`docker run --rm\`) | $(ratio "$docker_true_ms" "$td_true_ms")× |

A fresh database per case from the snapshot against initdb per case: $(ratio "$(field tinydocker.initdb ready_median)" "$(field tinydocker.snapshot ready_median)")× faster with
tinydocker, $(ratio "$(field testcontainers.initdb ready_median)" "$(field testcontainers.snapshot ready_median)")× with Docker. Most of a snapshot start is PostgreSQL's own start (a
short crash recovery: the snapshot was taken running, after a \`CHECKPOINT\`) for tinydocker. With
Docker most of it is Testcontainers' readiness phase (about 10 s between its own "Wait for" and
"ready" log lines, in both modes, which is why initdb costs Docker nothing extra here): whether
PostgreSQL starts that slowly under dockerd on this machine or the log wait polls that slowly was
not separated. Ryuk off favours Docker (its reaper container would add a start).
<!-- /services -->
MD
)
python3 - "$repo/docs/benchmarks.md" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
pattern = re.compile(r"<!-- services:.*?<!-- /services -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "$section"
