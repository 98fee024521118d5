#!/usr/bin/env bash
# Installs what canarytrap needs, builds it, and runs `canarytrap serve` on a demo config in a
# scratch folder (demo/ by default): authoritative DNS on 127.0.0.1:5353 (UDP and TCP), HTTP on
# 127.0.0.1:8080 and SMTP on 127.0.0.1:2525, with a few canaries of each kind to try, and the
# dashboard on http://127.0.0.1:8081/ with an admin key to log in with (kept in DIR/admin.key).
# Idempotent: a second run reuses the folder and its canaries. Ctrl-C stops the server.
#
# Usage: scripts/run-demo.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-demo}
scripts/install-deps.sh build
# ccache as in scripts/test.sh: entries shared by clones in other folders.
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target canarytrap
ct=$PWD/build/src/canarytrap

if [ ! -f "$dir/canarytrap.toml" ]; then
  "$ct" init --dir "$dir" --zone canary.example.net --mail-domain mail.example.net --public-ip 127.0.0.1
  # Alerts to a file, so that the demo shows them without a webhook receiver.
  printf '\n[[alert]]\nname = "demo-file"\nkind = "jsonl"\nurl = "alerts.jsonl"\n' >> "$dir/canarytrap.toml"
fi
export CANARYTRAP_CONFIG="$dir/canarytrap.toml"
if [ -z "$("$ct" canaries --kind dns --json | tr -d '[:space:][]')" ]; then
  "$ct" mint --kind dns --count 2 --copy prod-db --memo "demo: users table" >/dev/null
  "$ct" mint --kind http --count 2 --copy prod-db --memo "demo: avatar URLs" >/dev/null
  "$ct" mint --kind smtp --count 2 --copy vendor-acme-export --memo "demo: partner export" >/dev/null
fi
# Keys are printed only when created: the demo keeps its admin key in a private file.
if [ ! -s "$dir/admin.key" ]; then
  (umask 077 && "$ct" keys create --name "demo-admin-$(date +%s)" --role admin > "$dir/admin.key")
fi
key=$(cat "$dir/admin.key")
dns=$("$ct" canaries --kind dns --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["value"])')
url=$("$ct" canaries --kind http --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["value"])')
mail=$("$ct" canaries --kind smtp --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["value"])')
host=${url#*://}; host=${host%%/*}; path=/${url#*://*/}

cat <<MSG

== canarytrap serve: try these in another terminal ==
  dig @127.0.0.1 -p 5353 $dns
  dig @127.0.0.1 -p 5353 +tcp +subnet=203.0.113.0/24 x.$dns AAAA
  curl -H 'Host: $host' http://127.0.0.1:8080$path -o /dev/null -w '%{http_code} %{content_type}\n'
  swaks --server 127.0.0.1:2525 --to $mail --from someone@example.org --header 'Subject: hello'
Then see the hits, the incidents they opened and the alerts sent (to $dir/alerts.jsonl):
  CANARYTRAP_CONFIG=$dir/canarytrap.toml $ct hits
  CANARYTRAP_CONFIG=$dir/canarytrap.toml $ct incidents
  CANARYTRAP_CONFIG=$dir/canarytrap.toml $ct alerts list
The dashboard: http://127.0.0.1:8081/  — log in with this admin key (also in $dir/admin.key):
  $key
or call the API with it: curl -s -H "Authorization: Bearer \$(cat $dir/admin.key)" 127.0.0.1:8081/api/v1/incidents
(Canaries: CANARYTRAP_CONFIG=$dir/canarytrap.toml $ct canaries. Ctrl-C stops the server.)

MSG
exec "$ct" serve
