#!/usr/bin/env bash
# Scanning a dump for canaries: `canarytrap scan` against ripgrep (`rg -F -f`) and GNU grep
# (`LC_ALL=C grep -F -f`), on the same file and the same values, in the same run.
#
# The registry gets CANARIES canaries (fake people planted into a scratch CSV: their e-mail,
# photo URL, dns label, ID number, phone, name + birth date); the dump is a CSV of ROWS fake
# people with 1,000 of the canary rows shuffled in. values.txt holds every canary value as
# stored (what a grep user would search for: five per canary); emails.txt only the e-mail
# addresses (one per canary: the issue's "1,000,000 values" case). canarytrap always loads
# and looks for everything. Every tool gets a time limit (PEER_LIMIT seconds) and an address
# space cap (PEER_MEMORY_GB, default 20 of the machine's 24: ripgrep given 5,000,000 values
# grows past 23 GB, and the kernel's OOM killer is no way to end a benchmark); one that
# times out or runs out of memory is reported so. RSS from /usr/bin/time.
#
# Usage: [PEER_MEMORY_GB=G] bench/scan_vs_grep.sh [CANARIES] [ROWS] [PEER_LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
canaries=${1:-1000000}
rows=${2:-1200000}
limit=${3:-600}
memory_gb=${PEER_MEMORY_GB:-20}
ct=$PWD/build/src/canarytrap
[ -x "$ct" ] || { echo "build canarytrap first (scripts/run-demo.sh or scripts/test.sh)" >&2; exit 1; }
command -v rg >/dev/null || { echo "needs ripgrep: scripts/install-deps.sh bench" >&2; exit 1; }
work=${SCAN_BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
export CANARYTRAP_CONFIG=$work/canarytrap.toml
if [ ! -f registry.ready ]; then
  rm -f canarytrap.* values.txt real.csv
  "$ct" init --zone canary.example.net --mail-domain mail.example.net >/dev/null 2>&1
  "$ct" fake --locale zh_CN --count 1000 --seed 7 > canaries.csv
  cp canaries.csv real.csv  # the scratch file's own rows: not canaries, not drawn below
  "$ct" plant --target file:canaries.csv --copy bench --count "$canaries" --locale zh_CN >/dev/null
  sqlite3 canarytrap.db "SELECT value FROM trigger_value UNION ALL SELECT normalized FROM fingerprint WHERE kind != 'name_dob'" > values.txt
  sqlite3 canarytrap.db "SELECT value FROM trigger_value WHERE channel = 'smtp'" > emails.txt
  "$ct" fake --locale zh_CN --count "$rows" --seed 8 > dump.csv
  tail -n +2 canaries.csv | LC_ALL=C grep -vxFf real.csv | shuf -n 1000 --random-source=<(yes) >> dump.csv
  shuf --random-source=<(yes) -o dump.csv dump.csv
  touch registry.ready
fi
[ -f emails.txt ] || sqlite3 canarytrap.db "SELECT value FROM trigger_value WHERE channel = 'smtp'" > emails.txt
[ -n "${SCAN_BENCH_SETUP_ONLY:-}" ] && exit 0
size=$(stat -c %s dump.csv)
values=$(wc -l < values.txt)
# Page cache: every tool reads from memory. The registry too: the peers' gigabytes can push
# it out, and reading it back from disk once cost the index rebuild 4-13 s instead of 1.6.
cat dump.csv canarytrap.db > /dev/null

measure() {  # name, then the command; prints "seconds rss_kb status"
  local name=$1; shift
  /usr/bin/time -o "time.$name" -f '%e %M' timeout "$limit" \
    prlimit --as=$((memory_gb * 1024 * 1024 * 1024)) -- "$@" > "out.$name" 2> "err.$name" || true
  local status=ok
  grep -q "signal 9" "time.$name" && status=killed
  grep -q "status 124" "time.$name" && status=timeout
  # ripgrep (Rust) aborts with "memory allocation of N bytes failed"; grep: "memory exhausted".
  grep -qE "memory allocation of|memory exhausted|std::bad_alloc" "err.$name" && status="out of memory at ${memory_gb} GB"
  echo "$(tail -1 "time.$name") $status"
}
row() {  # name threads seconds rss status
  local mbps
  if [ "$5" != ok ]; then
    printf '| %s | %s | %s after %.0f s | | %s MB |\n' "$1" "$2" "$5" "$3" "$(($4 / 1024))"
    return
  fi
  mbps=$(echo "$size / $3 / 1000000" | bc -l)
  printf '| %s | %s | %.2f | %.0f | %s MB |\n' "$1" "$2" "$3" "$mbps" "$(($4 / 1024))"
}
ratio() { [ "$2" = ok ] && echo "$(echo "$1 / ${3:-$ct1_s}" | bc -l | xargs printf '%.0f')x" || echo "n/a ($2)"; }

# The first scan after the registry's canaries changed builds the needle index and saves it
# beside the registry (canarytrap.db.needles); later scans read it back.
rm -f canarytrap.db.needles
read -r ct0_s ct0_rss _ <<< "$(measure ct0 "$ct" scan --threads 2 --json dump.csv)"
load0_s=$(python3 -c 'import json; print(round(json.load(open("out.ct0"))["load_seconds"], 2))')
read -r ct1_s ct1_rss _ <<< "$(measure ct1 "$ct" scan --threads 1 --json dump.csv)"
read -r ct2_s ct2_rss _ <<< "$(measure ct2 "$ct" scan --threads 2 --json dump.csv)"
found=$(python3 -c 'import json; print(json.load(open("out.ct1"))["files"][0]["canaries_found"])')
load_s=$(python3 -c 'import json; print(round(json.load(open("out.ct1"))["load_seconds"], 2))')
scan_s=$(python3 -c 'import json; print(round(json.load(open("out.ct1"))["files"][0]["seconds"], 2))')
scan2_s=$(python3 -c 'import json; print(round(json.load(open("out.ct2"))["files"][0]["seconds"], 2))')
read -r rg_s rg_rss rg_st <<< "$(measure rg rg -F -c -f values.txt dump.csv)"
read -r grep_s grep_rss grep_st <<< "$(LC_ALL=C measure grep grep -F -c -f values.txt dump.csv)"
read -r rg1_s rg1_rss rg1_st <<< "$(measure rg1 rg -F -c -f emails.txt dump.csv)"
read -r grep1_s grep1_rss grep1_st <<< "$(LC_ALL=C measure grep1 grep -F -c -f emails.txt dump.csv)"
emails=$(wc -l < emails.txt)

echo "dump: $((size / 1000000)) MB, $rows rows + 1000 canary rows; $values values; canarytrap found $found canaries; matcher loaded in ${load_s}s"
echo
echo "| tool | values | threads | seconds (whole run) | MB/s | max RSS |"
echo "|---|---:|---:|---:|---:|---:|"
row "canarytrap scan, first after a change | all ($values)" 2 "$ct0_s" "$ct0_rss" ok
row "canarytrap scan | all ($values)" 1 "$ct1_s" "$ct1_rss" ok
row "canarytrap scan | all ($values)" 2 "$ct2_s" "$ct2_rss" ok
row "rg -F -f | $values" 2 "$rg_s" "$rg_rss" "$rg_st"
row "LC_ALL=C grep -F -f | $values" 1 "$grep_s" "$grep_rss" "$grep_st"
row "rg -F -f | $emails (e-mails)" 2 "$rg1_s" "$rg1_rss" "$rg1_st"
row "LC_ALL=C grep -F -f | $emails (e-mails)" 1 "$grep1_s" "$grep1_rss" "$grep1_st"
echo
echo "canarytrap: matcher loaded in ${load_s} s (${load0_s} s when it is built after a change); scanning alone ${scan_s} s on 1 thread ($(echo "$size / $scan_s / 1000000" | bc -l | xargs printf '%.0f') MB/s), ${scan2_s} s on 2"
echo "whole-run ratios, canarytrap 1 thread (all values) vs: grep all values $(ratio "$grep_s" "$grep_st"), ripgrep all values $(ratio "$rg_s" "$rg_st"), grep e-mails $(ratio "$grep1_s" "$grep1_st"), ripgrep e-mails $(ratio "$rg1_s" "$rg1_st")"
echo "whole-run ratios, canarytrap 2 threads (its default here) vs: grep all values $(ratio "$grep_s" "$grep_st" "$ct2_s"), grep e-mails $(ratio "$grep1_s" "$grep1_st" "$ct2_s")"
