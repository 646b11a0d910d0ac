#!/usr/bin/env bash
# Runs every test of the repository, as CI does. Run it as root: it then runs the container suites
# a second time as an ordinary user, rootless (scripts/test-rootless.sh). As an ordinary user it
# runs them rootless only, and the tests that need real root are reported as skipped, with why.
#   sudo scripts/test.sh            everything
#   sudo scripts/test.sh FILTER     only tests matching a dotnet test --filter expression
set -euo pipefail
# Started in the background by a non-interactive shell (`scripts/test.sh &`, nohup), this script
# inherits SIGINT and SIGQUIT ignored, and so would every build and container it starts: the
# Ctrl-C tests would then wait for a cancellation that never comes. A shell cannot undo an ignore
# it inherited, so run again with both at their defaults (coreutils env).
if [ -z "${TINYDOCKER_TEST_SIGNALS_RESET:-}" ]; then
  TINYDOCKER_TEST_SIGNALS_RESET=1 exec env --default-signal=INT,QUIT "$0" "$@"
fi
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-deps.sh

dotnet build tinydocker.sln -c Release -nologo -clp:ErrorsOnly

results=$(mktemp -d)
aot=
trap 'rm -rf "$results" ${aot:+"$aot"}' EXIT
status=0
filter=()
[ $# -gt 0 ] && filter=(--filter "$1")

# The NativeAOT CLI, published once (about 3 minutes of compile) before any suite: the CLI suite
# runs against it below, and every `dotnet pack` of the suites (Build, TestAdapter, in both passes)
# bundles this same file instead of compiling its own (eng/BundleTool.targets). Only root writes
# the directory; the rootless pass's user may read it.
if [ -z "${TINYDOCKER_SKIP_AOT:-}" ]; then
  aot=$(mktemp -d)
  chmod 755 "$aot"
  dotnet publish tool/TinyDocker.Cli -c Release -r "linux-$(uname -m | sed -e s/x86_64/x64/ -e s/aarch64/arm64/)" \
    -o "$aot" -nologo -clp:ErrorsOnly
  export TinyDockerNativeCliPath="$aot/dotnet-tinydocker"
fi
# One test project at a time: they start containers and real builds, and the machine has 2 cores.
for project in $(dotnet sln tinydocker.sln list | grep -E '^tests/.*Tests\.csproj$'); do
  name=$(basename "$project" .csproj)
  # Each init held to every container test: this pass of the CLI suite runs the tool's own .NET init,
  # the NativeAOT pass below (and every other suite) the one with no runtime beside it (tool/TinyDocker.Init).
  init=()
  [ "$name" != TinyDocker.Cli.Tests ] || init=(env TINYDOCKER_INIT=dotnet)
  "${init[@]}" dotnet test "$project" -c Release --no-build -nologo "${filter[@]}" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=normal" || status=1
done

# The container tests once more against the NativeAOT build, the one the tool package ships for
# linux-x64 (the runs above used the framework-dependent build beside the test assembly).
# (RootlessTests run this build as the ordinary users they make: they reach it, as above.)
if [ -n "$aot" ]; then
  TINYDOCKER_EXE="$aot/dotnet-tinydocker" dotnet test tests/TinyDocker.Cli.Tests -c Release --no-build -nologo "${filter[@]}" \
    --logger "trx;LogFileName=TinyDocker.Cli.Tests.aot.trx" --results-directory "$results" \
    --logger "console;verbosity=normal" || status=1
fi

# The container suites once more as an ordinary user: every container they start is rootless (the
# tool's default for anyone not root), and tests that need real root skip, each saying why.
if [ -z "${TINYDOCKER_SKIP_ROOTLESS:-}" ] && [ "$(id -u)" = 0 ]; then
  scripts/test-rootless.sh "$results" "$@" || status=1
fi

# One closing line over all projects, counted from the TRX files, then each failed test.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
failures = []
skips = {}
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed")); failed += int(c.get("failed")) + int(c.get("error"))
    for r in ET.parse(f).getroot().iterfind("t:Results/t:UnitTestResult", ns):
        if r.get("outcome") == "NotExecuted":
            skipped += 1
            reason = r.findtext("t:Output/t:ErrorInfo/t:Message", "", ns).strip()
            skips.setdefault(f"{f.rsplit('/', 1)[-1]}: {reason}", []).append(r.get("testName").rsplit(".", 1)[-1])
        if r.get("outcome") in ("Failed", "Error"):
            # The whole message on one line: an assertion's Expected/Actual lines are what a red CI has to go on.
            message = " | ".join(l.strip() for l in r.findtext("t:Output/t:ErrorInfo/t:Message", "", ns).strip().splitlines() if l.strip())
            failures.append(f"FAILED {r.get('testName')} ({f.rsplit('/', 1)[-1]}): {message[:600]}")
# Every skip with its reason (the rootless pass skips what needs real root), one line per reason.
for reason, names in sorted(skips.items()):
    print(f"SKIPPED {len(names)} in {reason} ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
# The failures last, so that the tail of a CI log names them.
print("\n".join(failures))
PY
exit $status
