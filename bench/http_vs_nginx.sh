#!/usr/bin/env bash
# HTTP callback speed: wrk (keep-alive) against a trigger URL on `canarytrap serve`, where
# every request is a recorded hit, and against nginx serving a static GIF with its access log
# on; both on loopback on this machine, in the same run. Checks that canarytrap recorded every
# request wrk completed. Prints one table.
#
# Usage: bench/http_vs_nginx.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-64}
ct=$PWD/build/src/canarytrap
[ -x "$ct" ] || { echo "build canarytrap first (scripts/run-demo.sh)" >&2; exit 1; }
for tool in wrk nginx sqlite3; do command -v "$tool" >/dev/null || { echo "$tool missing: scripts/install-deps.sh bench" >&2; exit 1; }; done
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# nginx: two workers, a 1x1 GIF, the default combined access log to a file.
nport=$(port)
mkdir -p "$work/nginx/html"
cp data/http/pixel.gif "$work/nginx/html/pixel.gif"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log $work/nginx/access.log combined;
  server {
    listen 127.0.0.1:$nport;
    root $work/nginx/html;
    location / { default_type image/gif; }
  }
}
CONF
chmod -R a+rX "$work"
nginx -c "$work/nginx/nginx.conf" -g 'daemon off; user root;' &
pids+=($!)

# canarytrap: one http trigger, serve with two I/O threads.
(cd "$work" && "$ct" init --zone canary.example.net --mail-domain mail.example.net >/dev/null 2>&1)
url=$(cd "$work" && "$ct" mint --kind http 2>/dev/null)
host=${url#*://}; host=${host%%/*}; path=/${url#*://*/}
cport=$(port); dport=$(port); sport=$(port)
(cd "$work" && exec "$ct" serve --http "127.0.0.1:$cport" --dns "127.0.0.1:$dport" --smtp "127.0.0.1:$sport" --metrics '' --admin '' --threads 2 2>"$work/serve.log") &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$cport/" && curl -s -o /dev/null "http://127.0.0.1:$nport/pixel.gif" && break; sleep 0.1; done

rate() { sed -nE 's/^Requests\/sec: *([0-9.]+).*/\1/p'; }
done_requests() { sed -nE 's/^ *([0-9]+) requests in.*/\1/p'; }
nginx_out=$(wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$nport/pixel.gif")
ct_out=$(wrk -t2 -c"$conns" -d"${secs}s" -H "Host: $host" "http://127.0.0.1:$cport$path")
kill -TERM "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
hits=$(sqlite3 "$work/canarytrap.db" "SELECT count(*) FROM hit")
sent=$(echo "$ct_out" | done_requests)
nginx_rate=$(echo "$nginx_out" | rate); ct_rate=$(echo "$ct_out" | rate)
printf '| nginx req/s (static GIF, access log) | canarytrap req/s (every request a hit) | ratio | wrk-completed requests | hits recorded |\n|---:|---:|---:|---:|---:|\n'
printf '| %.0f | %.0f | %.2fx | %s | %s |\n' "$nginx_rate" "$ct_rate" "$(echo "$ct_rate / $nginx_rate" | bc -l)" "$sent" "$hits"
