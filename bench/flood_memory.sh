#!/usr/bin/env bash
# Memory of `canarytrap serve` holding TRIGGERS dns triggers under a flood of random names for
# SECONDS: dnsperf sends queries for random 17-character labels under the zone (none a
# trigger, each a new name for the DNS-repeat tracker), as fast as it can, while RSS is sampled
# every 5 s. Target: RSS < 300 MB and flat. Prints one table.
#
# Usage: bench/flood_memory.sh [TRIGGERS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
triggers=${1:-1000000}
seconds=${2:-60}
ct=$PWD/build/src/canarytrap
[ -x "$ct" ] || { echo "build canarytrap first (scripts/run-demo.sh or scripts/test.sh)" >&2; exit 1; }
command -v dnsperf >/dev/null || { echo "needs dnsperf: scripts/install-deps.sh bench" >&2; exit 1; }
work=$(mktemp -d)
serve_pid=
cleanup() { [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ct" init --zone canary.example.net --mail-domain mail.example.net >/dev/null 2>&1
start=$(date +%s.%N)
left=$triggers
while [ "$left" -gt 0 ]; do
  n=$((left > 100000 ? 100000 : left))
  "$ct" mint --kind dns --count "$n" --copy flood >/dev/null 2>&1
  left=$((left - n))
done
mint_s=$(echo "$(date +%s.%N) - $start" | bc -l)
python3 - > queries.txt <<'PY'
import random, string
random.seed(1)
for _ in range(2_000_000):
    print("".join(random.choices(string.ascii_lowercase + string.digits, k=17)) + ".canary.example.net A")
PY
"$ct" serve --dns "127.0.0.1:$port" --http "" --smtp "" --metrics "" --admin "" --threads 2 2> serve.log &
serve_pid=$!
for _ in $(seq 600); do grep -q listening serve.log && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$serve_pid/status"; }
echo "triggers: $triggers (minted in $(printf '%.1f' "$mint_s") s); RSS after loading: $(rss) MB"
dnsperf -s 127.0.0.1 -p "$port" -d queries.txt -l "$seconds" -c 8 -q 500 > dnsperf.txt 2>&1 &
perf_pid=$!
echo
echo "| second | RSS MB |"
echo "|---:|---:|"
for t in $(seq 0 5 "$seconds"); do
  echo "| $t | $(rss) |"
  [ "$t" -lt "$seconds" ] && sleep 5
done
wait "$perf_pid" || true
echo
grep -E "Queries sent|Queries completed|Queries per second" dnsperf.txt | sed 's/^ */  /'
