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

# Twice: with values allowed to repeat (each tool drawing people one by one), and with no ID,
# SSN, phone, e-mail address or card number repeated (canarytrap's default; faker given a Set
# per column and drawing again whoever clashes).
printf '| locale | values | canarytrap records/s | faker records/s | ratio |\n|---|---|---:|---:|---:|\n'
for mode in repeats distinct; do
  for locale in zh_CN en_US; do
    if [ "$mode" = repeats ]; then ct_flag=--allow-repeats; faker_mode=; else ct_flag=; faker_mode=distinct; fi
    ct_s=$(seconds "$ct" fake --locale "$locale" --count "$ct_count" --format csv $ct_flag)
    faker_s=$(seconds node bench/node/faker_people.mjs "$locale" "$faker_count" $faker_mode)
    ct_rate=$(echo "$ct_count / $ct_s" | bc -l)
    faker_rate=$(echo "$faker_count / $faker_s" | bc -l)
    label=$([ "$mode" = repeats ] && echo "may repeat" || echo "never repeat")
    printf '| %s | %s | %.0f | %.0f | %.1fx |\n' "$locale" "$label" "$ct_rate" "$faker_rate" \
      "$(echo "$ct_rate / $faker_rate" | bc -l)"
  done
done
