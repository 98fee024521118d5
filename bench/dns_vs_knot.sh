#!/usr/bin/env bash
# DNS callback speed: dnsperf with a query file of trigger names against `canarytrap serve`
# (every matching query recorded) and against Knot DNS answering the same zone with a
# wildcard; both on loopback, in the same run. Checks that canarytrap recorded every query
# dnsperf saw answered. Prints one table.
#
# Usage: bench/dns_vs_knot.sh [SECONDS] [TRIGGERS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
triggers=${2:-10000}
ct=$PWD/build/src/canarytrap
[ -x "$ct" ] || { echo "build canarytrap first (scripts/run-demo.sh)" >&2; exit 1; }
for tool in dnsperf knotd sqlite3; do command -v "$tool" >/dev/null || { echo "$tool missing: scripts/install-deps.sh bench" >&2; exit 1; }; done
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

(cd "$work" && "$ct" init --zone canary.example.net --mail-domain mail.example.net >/dev/null 2>&1)
(cd "$work" && "$ct" mint --kind dns --count "$triggers" 2>/dev/null) | sed 's/$/ A/' > "$work/queries.txt"

# Knot: the zone with a wildcard A, as canarytrap answers it.
kport=$(port)
mkdir -p "$work/knot/db"
cat > "$work/knot/canary.example.net.zone" <<ZONE
\$ORIGIN canary.example.net.
\$TTL 60
@ SOA ns1 hostmaster 1 3600 600 604800 60
@ NS ns1
* A 127.0.0.1
ZONE
cat > "$work/knot/knot.conf" <<CONF
server:
    listen: 127.0.0.1@$kport
    rundir: $work/knot
    background-workers: 1
    udp-workers: 2
    tcp-workers: 1
database:
    storage: $work/knot/db
log:
  - target: stderr
    any: error
zone:
  - domain: canary.example.net
    file: $work/knot/canary.example.net.zone
CONF
knotd -c "$work/knot/knot.conf" 2>"$work/knot/err.log" &
pids+=($!)

cport=$(port); hport=$(port); sport=$(port)
(cd "$work" && exec "$ct" serve --dns "127.0.0.1:$cport" --http "127.0.0.1:$hport" --smtp "127.0.0.1:$sport" --metrics '' --admin '' --threads 2 2>"$work/serve.log") &
pids+=($!)
sleep 1

qps() { sed -nE 's/^ *Queries per second: *([0-9.]+).*/\1/p'; }
completed() { sed -nE 's/^ *Queries completed: *([0-9]+).*/\1/p'; }
knot_out=$(dnsperf -s 127.0.0.1 -p "$kport" -d "$work/queries.txt" -l "$secs" -c 8 -T 2 -q 500 2>&1)
ct_out=$(dnsperf -s 127.0.0.1 -p "$cport" -d "$work/queries.txt" -l "$secs" -c 8 -T 2 -q 500 2>&1)
kill -TERM "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
hits=$(sqlite3 "$work/canarytrap.db" "SELECT count(*) FROM hit")
knot_qps=$(echo "$knot_out" | qps); ct_qps=$(echo "$ct_out" | qps)
printf '| Knot DNS qps (wildcard zone) | canarytrap qps (every query a hit) | ratio | queries completed | hits recorded |\n|---:|---:|---:|---:|---:|\n'
printf '| %.0f | %.0f | %.2fx | %s | %s |\n' "$knot_qps" "$ct_qps" "$(echo "$ct_qps / $knot_qps" | bc -l)" "$(echo "$ct_out" | completed)" "$hits"
