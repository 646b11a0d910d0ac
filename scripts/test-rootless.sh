#!/usr/bin/env bash
# Runs the container suites (CLI, escape) and the packages' suites (MSBuild task, test adapter)
# again as an ordinary user, so that every container is rootless, from the build scripts/test.sh
# made as root. Run as root, after the build.
#   scripts/test-rootless.sh RESULTS_DIR [FILTER]   TRX files land in RESULTS_DIR as NAME.rootless.trx
# TINYDOCKER_ROOTLESS_PROJECTS="NAME ..." runs only those suites (default: CLI, escape, MSBuild, adapter). TinyDockerNativeCliPath
# (which scripts/test.sh sets) names the NativeAOT CLI the packs bundle; without it each suite's first
# pack compiles one as the user (minutes more). Each step's duration is printed (`test-rootless.sh: ... s`).
set -euo pipefail
cd "$(dirname "$0")/.."
results=$1
shift
user=tdrootless
# The user with a subuid/subgid range (a 65536-id map): the one RootlessTests use, made in one place.
scripts/test-user.sh "$user" 3000000
# The container suites and the packages' suites (RootFact where a test needs real root).
projects=(${TINYDOCKER_ROOTLESS_PROJECTS:-TinyDocker.Cli.Tests TinyDocker.Security.Tests TinyDocker.Build.Tests TinyDocker.TestAdapter.Tests})
# The packs of the Build and TestAdapter suites bundle the NativeAOT CLI scripts/test.sh published
# (as root, in a 0755 directory only root writes): compiling it again as the user took longer than
# the tests' 15-minute pack timeout on a loaded 2-core machine.
native=${TinyDockerNativeCliPath:-}
if [ -n "$native" ] && ! setpriv --reuid="$user" --regid="$user" --init-groups -- test -x "$native"; then
  echo "test-rootless.sh: $user cannot run TinyDockerNativeCliPath \`$native\`: its directories must be world-searchable" >&2
  exit 1
fi

# The user cannot read a clone under a 0700 directory of root's (CI clones anywhere), nor write
# its obj/ and TestResults/ (the adapter tests pack and build samples in the repository), and
# opening root's directories to every user is not ours to do. So the user gets a copy of the
# built tree of its own (git files and build output, tens of MB: a second) in a fresh directory
# that only root writes and the user may enter. Its obj/ files name root's NuGet cache, which the
# user cannot read either: the copy is restored again as the user (nothing is built, the tests run
# --no-build). Not copied: the tool packages of scripts/pack-tool.sh and their own build (artifacts/).
# The work directory goes whatever happens: a suite failing, the script interrupted.
work=$(mktemp -d /tmp/tinydocker-rootless.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$work"
# The start of the pass: what the user leaves behind is counted from here, so that a leftover of an
# earlier, interrupted run on the same machine does not fail this one (and one of this run still does).
touch "$work/started"
started=$(date +%s)
mkdir "$work/home" "$work/results"
tar --exclude=./TestResults --exclude=./artifacts/pack-tool --exclude=./artifacts/feed --exclude=./artifacts/bundle-tool -cf - . | tar -C "$work" --one-top-level=repo -xf -
chown -R "$user:$user" "$work/repo" "$work/home" "$work/results"

# The user's NuGet caches start as hard links to root's, which the root build has just filled
# (the same packages, on the same disk: a second, no copy): its restore then downloads nothing,
# and the suites' own restores into fresh package folders (a pack, a sample) are served from the
# HTTP cache instead of nuget.org. Only the directories become the user's, so that it can add
# packages; the files stay root's, which the user may read but not change. Another filesystem
# (no hard links) leaves the caches empty: everything comes from nuget.org, as without this.
link_cache() { # ROOTS_DIR USERS_DIR
  [ -d "$1" ] || return 0
  mkdir -p "$(dirname "$2")"
  cp -al "$1" "$2" 2>/dev/null || rm -rf "$2"
  # Never chown -R here: that would give root's own cache files (the same inodes) to the user.
  find "$work/home" -type d ! -user "$user" -exec chown "$user:$user" {} +
}
nuget_local() { dotnet nuget locals "$1" --list 2>/dev/null | sed -n "s/^$1: //p" | sed 's:/*$::'; }
link_cache "$(nuget_local global-packages)" "$work/home/.nuget/packages"
link_cache "$(nuget_local http-cache)" "$work/home/.local/share/NuGet/http-cache"
as_user() {
  # A clean environment: root's HOME, TMPDIR or DOTNET_ROOT must not leak in; no MSBuild node
  # may outlive the pass (nested builds of the tests would leave them running as the user).
  setpriv --reuid="$user" --regid="$user" --init-groups -- env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$work/home" \
    DOTNET_CLI_HOME="$work/home" NUGET_PACKAGES="$work/home/.nuget/packages" \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=true \
    LANG=C.UTF-8 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 ${CI:+CI=$CI} \
    ${native:+TinyDockerNativeCliPath=$native} "$@"
}

took() { echo "test-rootless.sh: $1: $(( $(date +%s) - $2 )) s" >&2; }

status=0
filter=()
[ $# -gt 0 ] && filter=(--filter "$1")
# One restore of every suite of the pass at once (a solution filter): their project references
# overlap (the tool, the packages), so restoring them suite by suite evaluated most projects again.
{
  printf '{"solution":{"path":"tinydocker.sln","projects":['
  sep=
  for name in "${projects[@]}"; do printf '%s"tests/%s/%s.csproj"' "$sep" "$name" "$name"; sep=,; done
  printf ']}}\n'
} > "$work/repo/rootless.slnf"
chown "$user:$user" "$work/repo/rootless.slnf"
t=$(date +%s)
if as_user dotnet restore "$work/repo/rootless.slnf" -nologo -v q >/dev/null; then
  took "restore of ${projects[*]} as $user" "$t"
  for name in "${projects[@]}"; do
    t=$(date +%s)
    as_user dotnet test "$work/repo/tests/$name/$name.csproj" -c Release --no-build -nologo "${filter[@]}" \
      --logger "trx;LogFileName=$name.rootless.trx" --results-directory "$work/results" \
      --logger "console;verbosity=normal" || status=1
    took "$name as $user" "$t"
  done
else
  echo "test-rootless.sh: the restore of ${projects[*]} as $user failed" >&2
  status=1
fi
cp "$work/results"/*.rootless.trx "$results"/ 2>/dev/null || true

# The packs' compiles start a compiler server of the user's (VBCSCompiler), which would otherwise
# idle on for minutes after the pass.
as_user dotnet build-server shutdown >/dev/null 2>&1 || true
# Nothing of the user's made during the pass may outlive it: no process (a container, a supervisor,
# a build node) and no state directory, neither the tool's default one nor a test's own under /tmp.
# Only what started after "$work/started" counts: a leftover of an earlier, interrupted run is not
# this run's. (Only this pass runs as the user in CI; on a shared machine another run as the same
# user at the same time would show here.)
age=$(( $(date +%s) - started + 1 ))
left=$(ps -u "$user" -o pid=,etimes=,stat=,args= | awk -v age="$age" '$3 !~ /^Z/ && $2 <= age' || true)  # a zombie is gone, only not reaped yet
[ -n "$left" ] && { echo "test-rootless.sh: processes of $user left running:" >&2; echo "$left" >&2; status=1; }
uid=$(id -u "$user")
for dir in "/run/user/$uid" "$work/home/.local/state/tinydocker"; do
  left=$(find "$dir" -mindepth 1 -maxdepth 2 -newer "$work/started" 2>/dev/null | head -5 | tr '\n' ' ' || true)
  [ -n "$left" ] && { echo "test-rootless.sh: $user left these in $dir behind: $left" >&2; status=1; }
done
# The tests' own state and data roots (TinyTool, PackagedSample, the adapter's PackedSample and
# feed), each removed when its test or test run ends.
left=$(find /tmp -maxdepth 1 -user "$user" -newer "$work/started" \
  \( -name 'tinydocker-test-*' -o -name 'tinydocker-build-tests-*' -o -name 'tinydocker-adapter-*' \) || true)
[ -n "$left" ] && { echo "test-rootless.sh: $user left these behind: $left" >&2; status=1; }
took "the rootless pass" "$started"
exit $status
