#!/usr/bin/env bash
# Every test kernel on QEMU TCG; check names become qemu/<kernel>/<check>.
# Checks where QEMU is known to differ from the SDM are reported as XFAIL by
# the kernels themselves (tests/KNOWN-DIFFERENCES.md): the check ran and
# QEMU still does what the record says; if QEMU starts to pass one, that
# is a FAIL until the record is updated.
set -u
cd "$(dirname "$0")/.."
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "SKIP qemu: qemu-system-x86_64 not installed"
    exit 0
fi
exec tests/guest/run-all.sh qemu qemu
