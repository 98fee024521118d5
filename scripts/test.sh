#!/usr/bin/env bash
# Installs what the tests need, builds canarytrap and runs every test: first the normal
# build, then the same tests under AddressSanitizer + UndefinedBehaviorSanitizer, then a
# short run of the libFuzzer targets (DNS and SMTP parsers).
# Idempotent; ccache keeps rebuilds fast. Exit status is non-zero if anything fails.
#
# Usage: scripts/test.sh [--no-sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=1
for arg in "$@"; do
  case "$arg" in
    --no-sanitize) sanitize=0 ;;
    *) echo "test.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh test

jobs=$(nproc)
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Cache hits across clones in other folders (CI builds a fresh clone).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}  # -g would otherwise tie entries to this folder

echo "== build (RelWithDebInfo) =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCANARYTRAP_TESTS=ON >/dev/null
cmake --build build -j "$jobs"
echo "== tests =="
ctest --test-dir build -j "$jobs" --output-on-failure

echo "== dashboard and API tests (Chromium via playwright-core) =="
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "test.sh: the browser tests need Node.js 20 or later (playwright-core); this machine has $(node --version)" >&2
  exit 1
fi
# npm packages for the tests only, from web/package-lock.json, into web/node_modules.
(cd web && npm ci --no-audit --no-fund --loglevel=error)
CANARYTRAP_BIN=$PWD/build/src/canarytrap CT_SCREENSHOT_DIR=$PWD/build/web-screenshots \
  node --test --test-concurrency=1 web/tests/
echo "   screenshots: build/web-screenshots/"

if ((sanitize)); then
  echo "== build (ASan + UBSan) =="
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCANARYTRAP_SANITIZE=ON -DCANARYTRAP_TESTS=ON >/dev/null
  cmake --build build-asan -j "$jobs"
  echo "== tests under ASan + UBSan =="
  # The leak scenario plants into a 200,000-row table here, not 1,000,000: same paths, a
  # fifth of the sanitized work.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  CT_SCAN_SCENARIO_ROWS=${CT_SCAN_SCENARIO_ROWS:-200000} \
    ctest --test-dir build-asan -j "$jobs" --output-on-failure
  echo "== admin API tests against the ASan + UBSan binary =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  CANARYTRAP_BIN=$PWD/build-asan/src/canarytrap node --test --test-concurrency=1 web/tests/api.test.mjs
  echo "== fuzzers (short run; scripts/fuzz.sh 3600 for a long one) =="
  scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
fi
