#!/usr/bin/env bash
# Differential tests against the host CPU and Zydis (tests/diff):
#   - every template family of build/diffcheck (fixed seed, bounded count),
#   - a fixed-seed run of random sequences,
#   - the regression cases in tests/diff/regressions.txt,
#   - the decoder oracle build/zydis-oracle (fixed seed, bounded count).
# Prints one "PASS diff/<group>" or "FAIL diff/<group>: ..." line per group,
# plus the details of the first mismatches of each group. Runs in well under
# two minutes on a 2-core machine. DIFF_COUNT / DIFF_RANDOM / ZYDIS_COUNT
# override the counts, DIFF_SEED the seed.
set -u
cd "$(dirname "$0")/.."

SEED=${DIFF_SEED:-1}
COUNT=${DIFF_COUNT:-5000}        # cases per template family
RANDOM_COUNT=${DIFF_RANDOM:-50000}
ZYDIS_COUNT=${ZYDIS_COUNT:-1000000}

if ! make -s -j2 build/diffcheck >/dev/null 2>&1; then
    echo "FAIL diff/build: make build/diffcheck failed"
    exit 1
fi

# diffcheck prints the PASS/FAIL lines itself; exit status 2 means it could
# not run at all (bad option, a runner that cannot start).
run() {
    local name=$1; shift
    timeout 300 build/diffcheck "$@"
    local rc=$?
    if [ $rc -ge 2 ]; then
        echo "FAIL diff/$name: diffcheck exited with status $rc"
    fi
}

run templates --seed "$SEED" --count "$COUNT" --template all --max-print 2
run random --seed "$SEED" --count "$RANDOM_COUNT" --random --max-print 2
run regressions --regress tests/diff/regressions.txt --max-print 5

if [ -e /usr/include/Zydis/Zydis.h ]; then
    if make -s build/zydis-oracle >/dev/null 2>&1; then
        timeout 300 build/zydis-oracle --seed "$SEED" --count "$ZYDIS_COUNT" --max-print 15
        rc=$?
        [ $rc -ge 2 ] && echo "FAIL diff/zydis: zydis-oracle exited with status $rc"
    else
        echo "FAIL diff/zydis: make build/zydis-oracle failed"
    fi
else
    echo "SKIP diff/zydis: libzydis-dev is not installed"
fi
exit 0
