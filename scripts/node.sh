#!/bin/sh
# Prints the bin folder of a Node.js release taken from the npm registry's node-linux-<arch>
# package, installing it into .node/<version>/ on first use (about 12 s, then instant).
#   scripts/node.sh 22            # newest 22.x      scripts/node.sh 24.21.0   # exact
#   PATH="$(scripts/node.sh 26):$PATH" node --version
# Why a package and not a download: the npm registry is reachable wherever npm ci works, and
# the binary arrives with the registry's integrity check (docs/adr/0002-node22-and-current-majors.md).
set -eu
version="${1:?usage: scripts/node.sh MAJOR|VERSION}"
case "$(uname -m)" in
  x86_64|amd64) arch=x64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "scripts/node.sh: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.node/$version"
bin="$dir/node_modules/node-linux-$arch/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node-linux-$arch@$version" >&2
fi
echo "$bin"
