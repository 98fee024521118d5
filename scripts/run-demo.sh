#!/usr/bin/env bash
# Installs what canarytrap needs, builds it and runs the demo: a registry in a scratch
# folder (demo/ by default), a few canaries of each kind, and the list of them.
# Idempotent: a second run reuses the folder and adds a few more canaries.
#
# Usage: scripts/run-demo.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-demo}
scripts/install-deps.sh build
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target canarytrap
ct=build/src/canarytrap

if [ ! -f "$dir/canarytrap.toml" ]; then
  "$ct" init --dir "$dir" --zone canary.example.net --mail-domain mail.example.net --public-ip 127.0.0.1
fi
export CANARYTRAP_CONFIG="$dir/canarytrap.toml"

echo "== minting: 2 dns, 2 http, 2 smtp for copy prod-db; 1 record for copy vendor-acme-export =="
"$ct" mint --kind dns --count 2 --copy prod-db --memo "demo: users table"
"$ct" mint --kind http --count 2 --copy prod-db --memo "demo: avatar URLs"
"$ct" mint --kind smtp --count 2 --copy prod-db --memo "demo: newsletter list"
"$ct" mint --kind record --copy vendor-acme-export --memo "demo: partner export"
echo
echo "== canarytrap canaries =="
"$ct" canaries
echo
echo "== canarytrap copies =="
"$ct" copies
echo
echo "Registry: $dir/canarytrap.db. Try: CANARYTRAP_CONFIG=$dir/canarytrap.toml $ct canaries --json"
