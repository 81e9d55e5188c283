#!/usr/bin/env bash
# Runs every test suite (tests/suite-*.sh) and ends with one line
# "N passed, N failed, N skipped, N known QEMU differences". A suite prints
# one line per test:
#   PASS name | FAIL name: why | SKIP name: why | XFAIL name: why
# (XFAIL: a check on QEMU that fails as tests/KNOWN-DIFFERENCES.md records)
# and may print other lines, which are shown but not counted.
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0 xfail=0
log=$(mktemp)
for s in tests/suite-*.sh; do
    echo "== ${s#tests/}"
    bash "$s" 2>&1 | tee "$log"
    p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log"); k=$(grep -c '^SKIP ' "$log")
    x=$(grep -c '^XFAIL ' "$log")
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + k)); xfail=$((xfail + x))
done
rm -f "$log"
echo "$pass passed, $fail failed, $skip skipped, $xfail known QEMU differences"
[ "$fail" -eq 0 ]
