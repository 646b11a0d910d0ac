#!/usr/bin/env bash
# Installs the tinydocker tool for every user of this machine (run as root):
#   scripts/install-tool.sh [DIR]     DIR defaults to /usr/local/lib/tinydocker; BIN (default
#                                     /usr/local/bin, empty for none) gets a dotnet-tinydocker link.
# Packs the tool first (scripts/pack-tool.sh) unless FEED (default artifacts/feed) has it. NuGet
# extracts every file of a package 0766 less the umask, 0744 as root, and `dotnet tool install`
# leaves it so: other users could not run it. The binary, and the programs beside it (the rootless
# first step, tinydocker-firststep, without which a user's rootless runs take util-linux unshare; the
# init, tinydocker-init, without which their runs take the tool's own), are made 0755 here.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(realpath -m "${1:-/usr/local/lib/tinydocker}")
feed=$(realpath -m "${FEED:-artifacts/feed}")
bin=${BIN-/usr/local/bin}
compgen -G "$feed/tinydocker.*.nupkg" >/dev/null || scripts/pack-tool.sh "$feed"
if [ -e "$dir/dotnet-tinydocker" ]; then
  dotnet tool uninstall tinydocker --tool-path "$dir" >/dev/null
fi
dotnet tool install tinydocker --tool-path "$dir" --add-source "$feed" --prerelease
exe=$(readlink -f "$dir/dotnet-tinydocker")
chmod 0755 "$exe"
for helper in tinydocker-firststep tinydocker-init; do
  [ ! -e "$(dirname "$exe")/$helper" ] || chmod 0755 "$(dirname "$exe")/$helper"
done
# Every directory on the way to it must be searchable too.
d=$(dirname "$exe")
while [ "$d" != "$dir" ] && [ "$d" != / ]; do chmod go+rx "$d"; d=$(dirname "$d"); done
chmod go+rx "$dir"
if [ -n "$bin" ]; then
  mkdir -p "$bin" && ln -sfn "$dir/dotnet-tinydocker" "$bin/dotnet-tinydocker"
fi
"$dir/dotnet-tinydocker" --version
