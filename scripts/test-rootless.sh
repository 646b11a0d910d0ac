#!/usr/bin/env bash
# Runs the container suites (CLI, escape) and the packages' suites (MSBuild task, test adapter)
# again as an ordinary user, so that every container is rootless, from the build scripts/test.sh
# made as root. Run as root, after the build.
#   scripts/test-rootless.sh RESULTS_DIR [FILTER]   TRX files land in RESULTS_DIR as NAME.rootless.trx
# TINYDOCKER_ROOTLESS_PROJECTS="NAME ..." runs only those suites. TinyDockerNativeCliPath (which
# scripts/test.sh sets) names the NativeAOT CLI the packs bundle; without it each suite's first
# pack compiles one as the user (minutes more).
set -euo pipefail
cd "$(dirname "$0")/.."
results=$1
shift
user=tdrootless
# The user with a subuid/subgid range (a 65536-id map): the one RootlessTests use, made in one place.
scripts/test-user.sh "$user" 3000000
# The packages' suites (TinyDocker.Build.Tests TinyDocker.TestAdapter.Tests) are classified for this pass
# (RootFact where they need real root) and passed as the user once, but not yet in a whole CI run;
# they add about 15 minutes. TINYDOCKER_ROOTLESS_PROJECTS names the suites to run.
projects=(${TINYDOCKER_ROOTLESS_PROJECTS:-TinyDocker.Cli.Tests TinyDocker.Security.Tests})
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
# user cannot read either: the copy is restored again as the user into a cache in its own home
# (packages come from the HTTP cache or nuget.org; nothing is built, the tests run --no-build).
work=$(mktemp -d /tmp/tinydocker-rootless.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/home" "$work/results"
tar --exclude=./TestResults -cf - . | tar -C "$work" --one-top-level=repo -xf -
chown -R "$user:$user" "$work/repo" "$work/home" "$work/results"

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

status=0
filter=()
[ $# -gt 0 ] && filter=(--filter "$1")
for name in "${projects[@]}"; do
  project="$work/repo/tests/$name/$name.csproj"
  as_user dotnet restore "$project" -nologo -v q >/dev/null || { echo "restore of $name as $user failed" >&2; status=1; continue; }
  as_user dotnet test "$project" -c Release --no-build -nologo "${filter[@]}" \
    --logger "trx;LogFileName=$name.rootless.trx" --results-directory "$work/results" \
    --logger "console;verbosity=normal" || status=1
done
cp "$work/results"/*.rootless.trx "$results"/ 2>/dev/null || true

# The packs' compiles start a compiler server of the user's (VBCSCompiler), which would otherwise
# idle on for minutes after the pass.
as_user dotnet build-server shutdown >/dev/null 2>&1 || true
# Nothing of the user's may outlive the pass: no process (a container, a supervisor, a build node)
# and no state directory, neither the tool's default one nor a test's own under /tmp. (Only this
# pass runs as the user in CI; on a shared machine another run as the same user would show here.)
left=$(ps -u "$user" -o pid=,stat=,args= | awk '$2 !~ /^Z/' || true)  # a zombie is gone, only not reaped yet
[ -n "$left" ] && { echo "test-rootless.sh: processes of $user left running:" >&2; echo "$left" >&2; status=1; }
uid=$(id -u "$user")
for dir in "/run/user/$uid" "$work/home/.local/state/tinydocker"; do
  if [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    echo "test-rootless.sh: $user left $dir behind: $(ls -A "$dir" | head -5 | tr '\n' ' ')" >&2
    status=1
  fi
done
# The tests' own state and data roots (TinyTool, PackagedSample), each removed when its test ends.
left=$(find /tmp -maxdepth 1 -user "$user" -name 'tinydocker-test-*')
[ -n "$left" ] && { echo "test-rootless.sh: $user left these behind: $left" >&2; status=1; }
exit $status
