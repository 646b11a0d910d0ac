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
dotnet pack "$project" -c Release -o "$feed" -nologo -clp:ErrorsOnly
dotnet pack "$project" -c Release -o "$feed" -nologo -clp:ErrorsOnly -r "$rid"
dotnet pack "$project" -c Release -o "$feed" -nologo -clp:ErrorsOnly -r any -p:PublishAot=false
ls "$feed"/tinydocker*.nupkg
