#!/usr/bin/env bash
# Shared by tests/suite-guest-qemu.sh and tests/suite-guest-vtx.sh:
#   tests/guest/run-all.sh EMU PREFIX
# Runs every kernel built from tests/guest/*.c with tests/run-guest.sh and
# prefixes each PASS/FAIL/SKIP/XFAIL name with PREFIX/<kernel>/. Other output
# (boot banners, the demo's report) is dropped; each kernel's summary line
# is shown indented so that it is not counted.
set -u
cd "$(dirname "$0")/../.."
emu=$1 prefix=$2
O=${O:-build}
mkdir -p "$O/guest"
status=0
for src in tests/guest/*.c; do
    k=$(basename "$src" .c)
    tests/run-guest.sh "$emu" "$O/guest/$k.elf" >"$O/guest/$k.$prefix.log" 2>&1 || status=1
    sed -nE "s#^(PASS|FAIL|SKIP|XFAIL) #\\1 $prefix/$k/#p;
             s#^([0-9]+ passed, [0-9]+ failed.*)#  $prefix/$k: \\1#p" "$O/guest/$k.$prefix.log"
done
exit $status
