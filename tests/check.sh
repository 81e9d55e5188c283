#!/usr/bin/env bash
# Runs every test suite (tests/suite-*.sh) and ends with one line
# "N passed, N failed, N skipped". A suite prints one line per test:
#   PASS name | FAIL name: why | SKIP name: why
# and may print other lines, which are shown but not counted.
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0
log=$(mktemp)
for s in tests/suite-*.sh; do
    echo "== ${s#tests/}"
    bash "$s" 2>&1 | tee "$log"
    p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log"); k=$(grep -c '^SKIP ' "$log")
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + k))
done
rm -f "$log"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
