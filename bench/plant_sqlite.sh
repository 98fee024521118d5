#!/usr/bin/env bash
# Planting into SQLite: canary rows per second (mapped, profiled, registered with triggers,
# fingerprints and placements, one transaction each side), next to the raw speed of the
# sqlite3 shell importing the same number of rows into the same table (.import, one
# transaction): what the bookkeeping costs; and SQLite's own INSERT ... SELECT of those rows
# from another database, committed: the most any plant could write them at. Prints one table.
#
# Usage: bench/plant_sqlite.sh [CANARIES]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
ct=$PWD/build/src/canarytrap
[ -x "$ct" ] || { echo "build canarytrap first (scripts/run-demo.sh or scripts/test.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$ct" init --zone canary.example.net --mail-domain mail.example.net >/dev/null 2>&1

schema="CREATE TABLE persons (id INTEGER PRIMARY KEY, name TEXT, gender TEXT, birth_date TEXT, ethnicity TEXT,
  province TEXT, city TEXT, district TEXT, address TEXT, id_number TEXT UNIQUE, phone TEXT, email TEXT, photo_url TEXT);"
# A table with 10,000 existing people to map and profile (.import into a new table takes
# its column names from the CSV header).
"$ct" fake --locale zh_CN --count 10000 --seed 1 > existing.csv
sqlite3 people.db "$schema"
sqlite3 people.db ".mode csv" ".import existing.csv persons_import" \
  "INSERT INTO persons (name, gender, birth_date, ethnicity, province, city, district, address, id_number, phone, email, photo_url) SELECT * FROM persons_import; DROP TABLE persons_import;"
cp people.db baseline.db
cp people.db baseline_copy.db
"$ct" fake --locale zh_CN --count "$n" --seed 2 > more.csv

seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

start=$(date +%s.%N)
"$ct" plant --target sqlite:people.db --table persons --copy bench --count "$n" > plant.txt
plant_s=$(echo "$(date +%s.%N) - $start" | bc -l)
target_s=$(sed -nE 's/.*writing the target ([0-9.]+)s.*/\1/p' plant.txt)
import_s=$(seconds sqlite3 baseline.db ".mode csv" ".import more.csv persons_import" \
  "INSERT INTO persons (name, gender, birth_date, ethnicity, province, city, district, address, id_number, phone, email, photo_url) SELECT * FROM persons_import;")
# SQLite's own floor for the target's part: the same rows inserted from another database
# (INSERT ... SELECT, no parsing, no canarytrap code) into the same table, committed, with the
# table's own journal settings as a plant finds them.
sqlite3 more.db ".mode csv" ".import more.csv more"
cp baseline_copy.db engine.db
engine_s=$(sqlite3 engine.db <<'SQL' | awk '/^Run Time/ { s += $4 } END { printf "%.3f", s }'
PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;
ATTACH 'more.db' AS m;
.timer on
BEGIN IMMEDIATE;
INSERT INTO persons (name, gender, birth_date, ethnicity, province, city, district, address, id_number, phone, email, photo_url) SELECT * FROM m.more;
COMMIT;
.timer off
SQL
)
planted=$(sqlite3 people.db "SELECT count(*) - 10000 FROM persons")
[ "$planted" = "$n" ] || { echo "expected $n planted rows, found $planted" >&2; exit 1; }
plant_rate=$(echo "$n / $plant_s" | bc -l)
import_rate=$(echo "$n / $import_s" | bc -l)
target_rate=$(echo "$n / $target_s" | bc -l)
engine_rate=$(echo "$n / $engine_s" | bc -l)
printf '| rows | canarytrap plant, end to end, rows/s | of which writing the target, rows/s | sqlite3 .import rows/s | end-to-end ratio | SQLite INSERT ... SELECT of the same rows + commit, rows/s |\n|---:|---:|---:|---:|---:|---:|\n'
printf '| %d | %.0f | %.0f | %.0f | %.2fx | %.0f |\n' "$n" "$plant_rate" "$target_rate" "$import_rate" \
  "$(echo "$plant_rate / $import_rate" | bc -l)" "$engine_rate"
