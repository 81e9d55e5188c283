#!/usr/bin/env bash
# The emulator must build warning-free (-Wall -Wextra -Werror) with both gcc
# and clang (DESIGN.md "Conventions"); the main build uses $CC (gcc), this
# suite builds with the other compiler and boots one kernel on the result.
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
out=$O/clang
if ! command -v clang >/dev/null 2>&1; then
    echo "SKIP build/clang: clang not installed"
    exit 0
fi
if make -j2 --no-print-directory O="$out" CC=clang "$out/vtx" >"$out.log" 2>&1; then
    echo "PASS build/clang"
else
    echo "FAIL build/clang: see $out.log"
    grep -m 3 -E 'error|warning' "$out.log" | sed 's/^/    /'
    exit 0
fi
if tests/run-guest.sh "$out/vtx" "$O/guest/alu.elf" 2>&1 | grep -q '^[0-9]* passed, 0 failed'; then
    echo "PASS build/clang-runs-alu"
else
    echo "FAIL build/clang-runs-alu: the clang build fails the alu kernel"
fi
