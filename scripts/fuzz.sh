#!/usr/bin/env bash
# Builds the libFuzzer targets (DNS query parser, SMTP dialogue, the scanner's matcher and
# its input decoders) with clang, ASan and UBSan, and runs each for SECONDS (default 20; CI's
# short run). A crash, hang or sanitizer report fails the script and leaves the input in
# build-fuzz/.
#
# Usage: scripts/fuzz.sh [SECONDS]      e.g. scripts/fuzz.sh 3600 for a long run
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
out=build-fuzz
mkdir -p "$out"
cxx=$(command -v clang++-14 || command -v clang++)
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude -Itests)
"$cxx" "${flags[@]}" fuzz/dns_query_fuzz.cpp src/listen/dns_message.cpp src/core/normalize.cpp -o "$out/dns_query_fuzz"
"$cxx" "${flags[@]}" fuzz/smtp_fuzz.cpp src/listen/smtp_protocol.cpp src/core/normalize.cpp -o "$out/smtp_fuzz"
"$cxx" "${flags[@]}" fuzz/scan_matcher_fuzz.cpp src/scan/block_classes.cpp src/scan/matcher.cpp src/scan/matcher_records.cpp src/scan/matcher_values.cpp src/scan/needle_index.cpp src/core/value_mark.cpp -o "$out/scan_matcher_fuzz"
"$cxx" "${flags[@]}" -Isrc fuzz/scan_decoders_fuzz.cpp src/scan/decoders.cpp -lz -lzstd -llzma -o "$out/scan_decoders_fuzz"
for target in dns_query_fuzz smtp_fuzz scan_matcher_fuzz scan_decoders_fuzz; do
  mkdir -p "$out/corpus-$target"
  seeds=()
  [ -d "fuzz/seeds/$target" ] && seeds=("../fuzz/seeds/$target")
  echo "== fuzzing $target for ${seconds}s =="
  (cd "$out" && "./$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
     "corpus-$target" "${seeds[@]}" 2>&1 | tail -n 12)
done
