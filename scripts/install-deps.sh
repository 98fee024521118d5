#!/usr/bin/env bash
# Installs every Debian 12 package canarytrap needs to build, run and test.
# Idempotent: when everything is already installed it does nothing (no apt-get update).
#
# Usage: scripts/install-deps.sh [build|test]
#   build  what `canarytrap` needs to compile and run (the default)
#   test   build + what the test suite and the sanitizer build need
#   bench  build + the peers and tools the benchmarks in bench/ run
set -euo pipefail

profile=${1:-build}

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  libboost-dev            # Boost 1.74: Asio, Beast (header-only)
  libssl-dev              # OpenSSL 3: RAND_bytes, SHA-256, TLS
  libsqlite3-dev sqlite3  # the registry
  libspdlog-dev libfmt-dev
  nlohmann-json3-dev
  libcli11-dev
  libtomlplusplus-dev
  libpq-dev               # PostgreSQL plant targets
  libmariadb-dev          # MySQL/MariaDB plant targets
  zlib1g-dev libzstd-dev liblzma-dev  # scan: gzip, zstd and xz inputs
  python3                 # the demo script reads canaries' JSON with it
)
test_pkgs=(
  libgtest-dev libgmock-dev
  python3                 # free ports for the test servers
  postgresql postgresql-client   # a real server started by the tests (initdb, pg_ctl, pg_dump)
  mariadb-server mariadb-client  # likewise (mariadb-install-db, mariadbd, mysqldump)
  util-linux              # runuser: PostgreSQL refuses to run as root
  dnsutils knot-dnsutils curl swaks openssl  # real clients driving `canarytrap serve`, test certificates
  libnet-ssleay-perl      # swaks --tls (STARTTLS)
  clang libclang-rt-14-dev  # libFuzzer for the DNS and SMTP parser fuzzers (scripts/fuzz.sh)
  systemd                 # systemd-analyze verify for deploy/canarytrap.service
  gzip zstd xz-utils      # compressed inputs for the scan tests
  chromium                # the dashboard's browser tests (driven by playwright-core from npm)
  fonts-dejavu-core       # text in the browser tests' screenshots
)

bench_pkgs=(
  bc util-linux python3   # arithmetic, taskset and free ports in the bench scripts
  wrk nginx-light         # HTTP peer and load generator
  knot dnsperf            # DNS peer and load generator
  ripgrep grep gzip time  # scan peers: rg -F -f and grep -F -f; /usr/bin/time for their RSS
)
# Node.js and npm run @faker-js/faker (installed by the bench scripts into bench/node). The
# machine image may ship its own Node.js build with npm bundled, which Debian's npm package
# conflicts with; Debian's are installed only when there is no node or npm at all.
if [ "$profile" != build ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
  bench_pkgs+=(nodejs npm)
  test_pkgs+=(nodejs npm)   # the browser tests (web/tests) run on Node.js
fi

case "$profile" in
  build) pkgs=("${build_pkgs[@]}") ;;
  test)  pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) pkgs=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "install-deps.sh: unknown profile '$profile' (want build, test or bench)" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
