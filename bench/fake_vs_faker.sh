#!/usr/bin/env bash
# Fake people per second to CSV on one core: `canarytrap fake` vs @faker-js/faker producing
# the same fields, in the same run. Prints one table (paste it into docs/benchmarks.md).
#
# Usage: bench/fake_vs_faker.sh [CANARYTRAP_COUNT] [FAKER_COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."

ct_count=${1:-5000000}
faker_count=${2:-200000}
ct=build/src/canarytrap
[ -x "$ct" ] || { echo "build canarytrap first (scripts/run-demo.sh or scripts/test.sh)" >&2; exit 1; }
command -v node >/dev/null || { echo "node is needed for the faker side (apt-get install nodejs npm)" >&2; exit 1; }
if [ ! -d bench/node/node_modules/@faker-js/faker ]; then
  (cd bench/node && npm install --no-audit --no-fund --silent >/dev/null)
fi

# Seconds (with fractions) that a command takes on core 0, its output discarded.
seconds() {
  local start end
  start=$(date +%s.%N)
  taskset -c 0 "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

printf '| locale | canarytrap records/s | faker records/s | ratio |\n|---|---:|---:|---:|\n'
for locale in zh_CN en_US; do
  ct_s=$(seconds "$ct" fake --locale "$locale" --count "$ct_count" --format csv)
  faker_s=$(seconds node bench/node/faker_people.mjs "$locale" "$faker_count")
  ct_rate=$(echo "$ct_count / $ct_s" | bc -l)
  faker_rate=$(echo "$faker_count / $faker_s" | bc -l)
  printf '| %s | %.0f | %.0f | %.1fx |\n' "$locale" "$ct_rate" "$faker_rate" "$(echo "$ct_rate / $faker_rate" | bc -l)"
done
