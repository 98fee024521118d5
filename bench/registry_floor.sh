#!/usr/bin/env bash
# What SQLite alone needs to register N planted people in the registry's schema: the rows a
# zh_CN record canary costs (the canary; its smtp, http and dns trigger values; its ID, phone
# and name + birth date fingerprints; its placement) written by the sqlite3 shell from
# generate_series in one transaction, no canarytrap code involved, into a registry made by
# `canarytrap init` (so the schema, indexes and PRAGMAs are the real ones). Next to it, the
# same values as one row per canary in a table without secondary indexes: what a compact
# layout for bulk plants could reach; and that row plus the least a registry that keeps values
# unique must index (a 64-bit hash of each unique value). The figures bound `canarytrap plant`
# from above.
#
# Usage: bench/registry_floor.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
ct=$PWD/build/src/canarytrap
[ -x "$ct" ] || { echo "build canarytrap first (scripts/run-demo.sh or scripts/test.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$ct" init --zone canary.example.net --mail-domain mail.example.net >/dev/null 2>&1

# Seconds of CPU (user + sys) the shell spends on the statements between .timer on and off.
cpu_seconds() { awk '/^Run Time/ { s += $6 + $8 } END { printf "%.3f", s }'; }

now=1700000000000000
registry=$(sqlite3 canarytrap.db <<SQL | cpu_seconds
PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA foreign_keys = ON;
INSERT INTO copy (name, created_at) VALUES ('bench', $now);
.timer on
BEGIN;
INSERT INTO canary (id, kind, copy_id, locale, memo, created_at)
  SELECT value, 'record', 1, 'zh_CN', '', $now FROM generate_series(1, $n);
INSERT INTO trigger_value (canary_id, channel, value, normalized, token)
  SELECT value, 'smtp', m, m, m FROM (SELECT value, 'p' || lower(hex(randomblob(6))) || '@mail.example.net' AS m FROM generate_series(1, $n));
INSERT INTO trigger_value (canary_id, channel, value, normalized, token)
  SELECT value, 'http', 'https://' || d || '.canary.example.net/avatars/' || t || '.jpg',
         'https://' || d || '.canary.example.net/avatars/' || t || '.jpg', t
  FROM (SELECT value, lower(hex(randomblob(9))) AS d, lower(hex(randomblob(12))) AS t FROM generate_series(1, $n));
INSERT INTO trigger_value (canary_id, channel, value, normalized, token)
  SELECT value, 'dns', d || '.canary.example.net', d || '.canary.example.net', d
  FROM (SELECT value, lower(hex(randomblob(9))) AS d FROM generate_series(1, $n));
INSERT INTO fingerprint (canary_id, kind, normalized) SELECT value, 'id_number', hex(randomblob(9)) FROM generate_series(1, $n);
INSERT INTO fingerprint (canary_id, kind, normalized) SELECT value, 'phone', '1' || (3000000000 + abs(random()) % 9000000000) FROM generate_series(1, $n);
INSERT INTO fingerprint (canary_id, kind, normalized) SELECT value, 'name_dob', hex(randomblob(3)) || '|19900101' FROM generate_series(1, $n);
INSERT INTO placement (canary_id, copy_id, target, table_name, row_key, planted_at, target_rows)
  SELECT value, 1, 'sqlite:people.db', 'persons', value + 10000, $now, $n + 10000 FROM generate_series(1, $n);
COMMIT;
.timer off
SQL
)

# One row per planted person, its values in columns of their own (the compact layouts below).
planted_table="CREATE TABLE planted (id INTEGER PRIMARY KEY, copy_id INTEGER, created_at INTEGER, email TEXT, url TEXT,
  dns TEXT, id_number TEXT, phone TEXT, name_dob TEXT, target TEXT, row_key TEXT);"
planted_rows="INSERT INTO planted SELECT value, 1, $now, 'p' || lower(hex(randomblob(6))) || '@mail.example.net',
  'https://x.canary.example.net/avatars/' || lower(hex(randomblob(12))) || '.jpg', lower(hex(randomblob(9))),
  hex(randomblob(9)), '1' || (3000000000 + abs(random()) % 9000000000), hex(randomblob(3)) || '|19900101',
  'sqlite:people.db', value + 10000 FROM generate_series(1, $n);"

compact=$(sqlite3 compact.db <<SQL | cpu_seconds
PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;
$planted_table
.timer on
BEGIN;
$planted_rows
COMMIT;
.timer off
SQL
)

# The same row per canary, and what keeping its values unique costs at the least: the 64-bit
# hashes of its five unique values (three trigger tokens, ID, phone) as keys of one index.
unique=$(sqlite3 unique.db <<SQL | cpu_seconds
PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;
$planted_table
CREATE TABLE unique_value (hash INTEGER PRIMARY KEY) WITHOUT ROWID;
.timer on
BEGIN;
$planted_rows
INSERT OR IGNORE INTO unique_value SELECT random() FROM generate_series(1, 5 * $n);
COMMIT;
.timer off
SQL
)

rate() { echo "$n / $1" | bc -l; }
printf '| canaries | registry schema: SQLite CPU s | rows/s at most | one row per canary, no indexes: CPU s | rows/s at most | one row per canary + its 5 unique values hashed into one index: CPU s | rows/s at most |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|\n'
printf '| %d | %s | %.0f | %s | %.0f | %s | %.0f |\n' "$n" "$registry" "$(rate "$registry")" "$compact" "$(rate "$compact")" \
  "$unique" "$(rate "$unique")"
