#!/usr/bin/env bash
# The whole vtx suite once more under AddressSanitizer and
# UndefinedBehaviorSanitizer: a sanitizer report or crash fails the check
# of the kernel or test that caused it. Names are prefixed with san/.
set -u
cd "$(dirname "$0")/.."
S=${O:-build}/san
SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
if ! make -j2 --no-print-directory O="$S" SAN="$SANFLAGS" CFLAGS="-O1 -g" "$S/vtx" >"$S.build.log" 2>&1; then
    echo "FAIL san/build: the sanitizer build of vtx does not build (see $S.build.log)"
    exit 0
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98
# Test kernels on the sanitizer build.
VTX="$S/vtx" O="${O:-build}" tests/guest/run-all.sh "$S/vtx" san 2>&1 | sed -n 's/^\(PASS\|FAIL\|SKIP\) /&/p'
# Host unit tests and the differential tester, built with the sanitizers.
GUEST_O="${O:-build}" O="$S" SAN="$SANFLAGS" bash tests/suite-unit.sh 2>&1 | sed -nE 's/^(PASS|FAIL|SKIP) /\1 san\//p'
if [ -f tests/suite-diff.sh ]; then
    O="$S" SAN="$SANFLAGS" DIFF_COUNT_SCALE=${DIFF_COUNT_SCALE:-0.1} bash tests/suite-diff.sh 2>&1 |
        sed -nE 's/^(PASS|FAIL|SKIP) /\1 san\//p'
fi
