#!/usr/bin/env bash
# Host unit tests: builds and runs each tests/unit/test_*.c (one PASS/FAIL
# line per check), then checks how build/vtx treats bad host input and
# boots tiny hand-assembled multiboot kernels (exit ports, resets, the
# debug console, COM1 on other back ends).
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
MAKE=(make -j2 --no-print-directory "O=$O")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- unit test programs ----
for src in tests/unit/test_*.c; do
    name=$(basename "$src" .c)
    bin=$O/tests/unit/$name
    if ! "${MAKE[@]}" "$bin" >"$tmp/build.log" 2>&1; then
        echo "FAIL $name: does not build"
        grep -m 5 -E 'error|undefined' "$tmp/build.log" | sed 's/^/    /'
        continue
    fi
    "$bin"
    st=$?
    [ "$st" -gt 1 ] && echo "FAIL $name: exited with status $st"
done

# ---- build/vtx on the command line ----
cli_tests=(cli_missing_file cli_not_multiboot cli_unknown_option cli_bad_memory_size
           cli_bad_smp cli_image_larger_than_ram cli_help cli_boots_to_debug_exit
           cli_halt_with_nothing_pending cli_triple_fault cli_kvm_refused cli_gdb_refused
           cli_bad_debug_exit_size cli_debug_exit_port_taken cli_unwritable_pidfile
           cli_reset_kbc cli_reset_cf9 cli_reset_port92 cli_debug_exit_default_iobase
           cli_debugcon_to_file cli_serial_to_file cli_serial_none cli_trace_file_and_pidfile
           cli_acpi_poweroff)
# VTX=path checks another binary (e.g. a sanitizer build) instead.
vtx=${VTX:-$O/vtx}
if [ -z "${VTX:-}" ] && ! "${MAKE[@]}" "$vtx" >"$tmp/build.log" 2>&1; then
    for t in "${cli_tests[@]}"; do echo "SKIP $t: $vtx not built"; done
    exit 0
fi

# expect_error NAME ARGS...: status 2 and exactly one line "vtx: ..." on stderr.
expect_error() {
    local name=$1; shift
    timeout 10 "$vtx" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    local st=$? lines
    lines=$(wc -l <"$tmp/err")
    if [ "$st" -ne 2 ]; then
        echo "FAIL $name: status $st, expected 2"
    elif [ "$lines" -ne 1 ] || ! grep -q '^vtx: ' "$tmp/err"; then
        echo "FAIL $name: stderr is not one 'vtx: ' line: $(head -c 200 "$tmp/err")"
    else
        echo "PASS $name"
    fi
}

# hex2bin HEX...: the bytes, spaces ignored.
hex2bin() {
    local h=${*// /} out= i
    for ((i = 0; i < ${#h}; i += 2)); do out+="\\x${h:i:2}"; done
    printf "$out"
}

# mkimage FILE HEX: a multiboot a.out-kludge image loaded at 1 MiB whose
# code (HEX, 32-bit) starts right after the 32-byte header at 0x100020.
mkimage() {
    hex2bin "02b0ad1b 00000100 fe4f51e4 00001000 00001000 00000000 00000000 20001000 $2" >"$1"
}

printf 'just some text\n' >"$tmp/text"
# a header whose bss runs to 256 MiB
hex2bin "02b0ad1b 00000100 fe4f51e4 00001000 00001000 00000000 00000010 20001000 f4" >"$tmp/big"

expect_error cli_missing_file "$tmp/nonexistent.elf"
expect_error cli_not_multiboot -kernel "$tmp/text"
expect_error cli_unknown_option -frobnicate "$tmp/text"
expect_error cli_bad_memory_size -m 12Q "$tmp/text"
expect_error cli_bad_smp -smp 0 "$tmp/text"
expect_error cli_image_larger_than_ram -m 128M -kernel "$tmp/big"

if "$vtx" --help >"$tmp/out" 2>&1 && grep -q '^usage: vtx' "$tmp/out"; then
    echo "PASS cli_help"
else
    echo "FAIL cli_help: no usage text or nonzero status"
fi

# mov edx,0x3f8; mov al,'o'; out dx,al; mov al,'k'; out dx,al;
# mov al,10; out dx,al; mov al,0x10; out 0xf4,al; hlt
mkimage "$tmp/ok" "baf8030000 b06f ee b06b ee b00a ee b010 e6f4 f4"
timeout 20 "$vtx" -nodefaults -nographic -serial stdio \
    -device isa-debug-exit,iobase=0xf4,iosize=0x4 -kernel "$tmp/ok" >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
if [ "$st" -eq 33 ] && [ "$(cat "$tmp/out")" = "ok" ]; then
    echo "PASS cli_boots_to_debug_exit"
else
    echo "FAIL cli_boots_to_debug_exit: status $st (expected 33), output '$(head -c 100 "$tmp/out")' $(head -c 200 "$tmp/err")"
fi

# cli; hlt
mkimage "$tmp/hlt" "fa f4"
timeout 20 "$vtx" "$tmp/hlt" >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
if [ "$st" -eq 4 ] && grep -q '^vtx: all CPUs halted with nothing pending at RIP' "$tmp/err"; then
    echo "PASS cli_halt_with_nothing_pending"
else
    echo "FAIL cli_halt_with_nothing_pending: status $st (expected 4), stderr '$(head -c 200 "$tmp/err")'"
fi

# A triple fault: the IDT is loaded with limit 0, so INT3 faults (#GP),
# delivering #GP faults again (#DF), and delivering #DF faults once more.
# The code starts at 0x100020: lidt [0x100030] (six zero bytes after the
# code: limit 0, base 0); int3; hlt.
mkimage "$tmp/triple" "0f011d 30001000 cc f4 00000000 00000000 00000000 0000000000"
timeout 20 "$vtx" "$tmp/triple" >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
if [ "$st" -eq 3 ] && grep -q '^vtx: triple fault at rip .*#GP, then #GP while delivering it (double fault), then #GP while delivering the #DF' "$tmp/err"; then
    echo "PASS cli_triple_fault"
else
    echo "FAIL cli_triple_fault: status $st (expected 3), stderr '$(head -c 300 "$tmp/err")'"
fi

expect_error cli_kvm_refused -enable-kvm "$tmp/ok"
expect_error cli_gdb_refused -s "$tmp/ok"
expect_error cli_bad_debug_exit_size -device isa-debug-exit,iosize=3 "$tmp/ok"
expect_error cli_debug_exit_port_taken -device isa-debug-exit,iobase=0x3f8 "$tmp/ok"
expect_error cli_unwritable_pidfile -pidfile "$tmp/no/such/dir/pid" "$tmp/ok"

# A guest reset (QEMU -no-reboot ends with 0): status 0, one stderr line.
expect_reset() {
    local name=$1 code=$2
    mkimage "$tmp/$name" "$code"
    timeout 20 "$vtx" -no-reboot "$tmp/$name" >"$tmp/out" 2>"$tmp/err" </dev/null
    local st=$?
    if [ "$st" -eq 0 ] && [ "$(cat "$tmp/err")" = "vtx: the guest reset the machine" ]; then
        echo "PASS $name"
    else
        echo "FAIL $name: status $st (expected 0), stderr '$(head -c 200 "$tmp/err")'"
    fi
}
# mov al,0xfe; out 0x64,al; hlt
expect_reset cli_reset_kbc "b0fe e664 f4"
# mov edx,0xcf9; mov al,6; out dx,al; hlt
expect_reset cli_reset_cf9 "baf90c0000 b006 ee f4"
# in al,0x92; or al,1; out 0x92,al; hlt
expect_reset cli_reset_port92 "e492 0c01 e692 f4"

# mov edx,0x501; mov al,0x3c; out dx,al; hlt: QEMU's default iobase
mkimage "$tmp/exit501" "ba01050000 b03c ee f4"
timeout 20 "$vtx" -device isa-debug-exit "$tmp/exit501" >/dev/null 2>"$tmp/err" </dev/null
st=$?
if [ "$st" -eq 121 ]; then
    echo "PASS cli_debug_exit_default_iobase"
else
    echo "FAIL cli_debug_exit_default_iobase: status $st (expected 121) $(head -c 200 "$tmp/err")"
fi

# mov al,'h'; out 0xe9,al; mov al,'i'; out 0xe9,al; mov al,10; out 0xe9,al;
# in al,0xe9; out 0xf4,al (0xe9 -> status 0xd3 & 0xff)
mkimage "$tmp/dcon" "b068 e6e9 b069 e6e9 b00a e6e9 e4e9 e6f4 f4"
timeout 20 "$vtx" -debugcon "file:$tmp/dcon.out" "$tmp/dcon" >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
if [ "$st" -eq $(((0xe9 << 1 | 1) & 0xff)) ] && [ "$(cat "$tmp/dcon.out" 2>/dev/null)" = "hi" ]; then
    echo "PASS cli_debugcon_to_file"
else
    echo "FAIL cli_debugcon_to_file: status $st, file '$(head -c 100 "$tmp/dcon.out" 2>/dev/null)' $(head -c 200 "$tmp/err")"
fi

timeout 20 "$vtx" -serial "file:$tmp/com1.out" "$tmp/ok" >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
if [ "$st" -eq 33 ] && [ "$(cat "$tmp/com1.out" 2>/dev/null)" = "ok" ] && [ ! -s "$tmp/out" ]; then
    echo "PASS cli_serial_to_file"
else
    echo "FAIL cli_serial_to_file: status $st, file '$(head -c 100 "$tmp/com1.out" 2>/dev/null)', stdout '$(head -c 100 "$tmp/out")'"
fi

timeout 20 "$vtx" -serial none "$tmp/ok" >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
if [ "$st" -eq 33 ] && [ ! -s "$tmp/out" ]; then
    echo "PASS cli_serial_none"
else
    echo "FAIL cli_serial_none: status $st, stdout '$(head -c 100 "$tmp/out")'"
fi

timeout 20 "$vtx" -D "$tmp/trace.log" -d exc,int,cpu_reset -pidfile "$tmp/vtx.pid" "$tmp/ok" \
    >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
if [ "$st" -eq 33 ] && [ -f "$tmp/trace.log" ] && [ ! -e "$tmp/vtx.pid" ]; then
    echo "PASS cli_trace_file_and_pidfile"
else
    echo "FAIL cli_trace_file_and_pidfile: status $st, trace file $([ -f "$tmp/trace.log" ] && echo made || echo missing), pidfile $([ -e "$tmp/vtx.pid" ] && echo left || echo removed)"
fi

# ACPI power-off (tests/guest/platform.c with "poweroff": its checks, then
# SLP_TYP=S5|SLP_EN to PM1a_CNT) ends vtx with status 0, as QEMU with
# -no-reboot; tests/run-guest.sh wants status 1, so it is checked here.
# Test kernels are built once, in the main build directory (GUEST_O), also
# when this suite checks another build (suite-san.sh sets O to it).
G=${GUEST_O:-$O}
if [ ! -f "$G/guest/platform.elf" ]; then
    echo "FAIL cli_acpi_poweroff: $G/guest/platform.elf not built"
else
    timeout 30 "$vtx" -nodefaults -nographic -serial stdio -device pc-testdev -no-reboot -m 128 \
        -kernel "$G/guest/platform.elf" -append poweroff >"$tmp/out" 2>"$tmp/err" </dev/null
    st=$?
    if [ "$st" -eq 0 ] && grep -q '^powering off' "$tmp/out" && ! grep -q '^FAIL' "$tmp/out" &&
       [ ! -s "$tmp/err" ]; then
        echo "PASS cli_acpi_poweroff"
    else
        echo "FAIL cli_acpi_poweroff: status $st (expected 0), $(grep -m 3 '^FAIL' "$tmp/out" | tr '\n' ' ') $(head -c 200 "$tmp/err")"
    fi
fi
