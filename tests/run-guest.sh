#!/usr/bin/env bash
# Boot one test kernel and print its serial output.
#   tests/run-guest.sh EMU KERNEL [extra emulator args]
# EMU is "qemu" or the path of the vtx binary; both get the same QEMU-style
# flags. The kernel reports its status through isa-debug-exit (port 0xf4):
# the emulator exits with (status << 1) | 1, so 1 means success. If it ends
# otherwise and printed no FAIL line, a "FAIL <kernel>: ..." line is added so
# that a crash is counted. Exit status: 0 if the kernel passed, 1 otherwise.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 qemu|VTX KERNEL [args]" >&2; exit 2; }
emu=$1 kernel=$2
shift 2
name=$(basename "$kernel" .elf)
[ -f "$kernel" ] || { echo "FAIL $name: $kernel not built (run make)"; exit 1; }

# Per-kernel arguments: kernel command line (-append) and modules (-initrd).
append="" initrd="" need_summary=1
mods="$root/tests/guest/data"
case $name in
multiboot)
    append="alpha=1 beta=two"
    initrd="$mods/mod1.txt arg1,$mods/mod2.txt arg2 more"
    ;;
demo)
    need_summary=0
    ;;
platform|ioapic)
    set -- -device pc-testdev "$@"
    ;;
apic)
    set -- -smp 2 "$@"
    ;;
smp)
    append="cpus=8"
    set -- -smp 8 "$@"
    ;;
esac

args=(-nodefaults -nographic -serial stdio
      -device isa-debug-exit,iobase=0xf4,iosize=0x4 --no-reboot -m 128)
if [ "$emu" = qemu ]; then
    command -v qemu-system-x86_64 >/dev/null ||
        { echo "SKIP $name: qemu-system-x86_64 not installed"; exit 0; }
    # The word "qemu" lets a kernel expect the deviations listed in
    # tests/KNOWN-DIFFERENCES.md; vtx is held to the SDM.
    append="${append:+$append }qemu"
    # An Intel CPU model with every feature TCG implements (SMEP, SMAP,
    # UMIP, RDTSCP, ...); the vendor selects Intel behaviour where Intel and
    # AMD differ (e.g. SYSENTER in 64-bit mode).
    cmd=(qemu-system-x86_64 -accel tcg -cpu max,vendor=GenuineIntel "${args[@]}")
else
    [ -x "$emu" ] || { echo "FAIL $name: emulator $emu not built"; exit 1; }
    cmd=("$emu" "${args[@]}")
fi
cmd+=(-kernel "$kernel")
[ -n "$append" ] && cmd+=(-append "$append")
[ -n "$initrd" ] && cmd+=(-initrd "$initrd")

out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
timeout 60 "${cmd[@]}" "$@" </dev/null >"$out" 2>"$err"
rc=$?
tr -d '\r' <"$out" | sed 's/\x1b[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g'
ok=1
if [ $rc -ne 1 ] || { [ $need_summary = 1 ] && ! grep -Eq '^[0-9]+ passed, [0-9]+ failed' "$out"; }; then
    ok=0
    if ! grep -q '^FAIL ' "$out"; then
        why="exit status $rc"
        [ $rc -eq 124 ] && why="timed out after 60 s"
        [ $rc -eq 1 ] && why="ended without a summary line"
        [ -s "$err" ] && why="$why ($(head -c 300 "$err" | tr '\n' ' '))"
        echo "FAIL $name: $why"
    fi
fi
[ $ok = 1 ]
