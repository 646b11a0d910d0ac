#!/usr/bin/env bash
# Packs the dotnet-tinydocker tool into FEED (default artifacts/feed):
#   tinydocker.VERSION.nupkg            the pointer package `dotnet tool install` reads first
#   tinydocker.linux-x64.VERSION.nupkg  NativeAOT, for this machine's architecture
#   tinydocker.any.VERSION.nupkg        framework-dependent fallback for every other platform
# A NativeAOT package for linux-arm64 must be packed on an arm64 machine (`dotnet pack -r linux-arm64`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
feed=$(realpath -m "${1:-artifacts/feed}")
mkdir -p "$feed"
project=tool/TinyDocker.Cli/TinyDocker.Cli.csproj
rid=linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')
# The packs build, restore and publish in a tree of their own (artifacts/pack-tool: bin/, obj/,
# publish/ per project), never in the projects' bin/ and obj/: the pointer package's build of the
# CLI drops its apphost (a tool package runs through `dotnet`) and its restore rewrites the
# assets file, which took tool/TinyDocker.Cli/bin/Release/net10.0/dotnet-tinydocker away from a
# built tree that the suites run after this (the MSBuild suite's explicit-tool case, as the user).
artifacts=(--artifacts-path artifacts/pack-tool)
dotnet pack "$project" -c Release -o "$feed" -nologo -clp:ErrorsOnly "${artifacts[@]}"
dotnet pack "$project" -c Release -o "$feed" -nologo -clp:ErrorsOnly "${artifacts[@]}" -r "$rid"
dotnet pack "$project" -c Release -o "$feed" -nologo -clp:ErrorsOnly "${artifacts[@]}" -r any -p:PublishAot=false
ls "$feed"/tinydocker*.nupkg
