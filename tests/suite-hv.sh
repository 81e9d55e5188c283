#!/usr/bin/env bash
# hv, the VT-x hypervisor, on the emulators (counted by tests/check.sh):
#   hv-bochs/...  hv boots from a GRUB ISO on Bochs (VMX) with its demo
#                 guests, the three crash guests and unmodified multiboot
#                 test kernels; every VM's output, ending and exit table is
#                 checked against tests/hv/expect/.
#   hv-qemu/...   hv boots on QEMU TCG (no VMX) and must refuse cleanly.
# To run the same checks on vtx once it has VM entry/exit, add "vtx" to
# HV_EMULATORS below (one line).
set -u
cd "$(dirname "$0")/.."
. tests/hv/lib.sh

HV_EMULATORS="bochs"
# HV_EMULATORS="bochs vtx"          # <- the one line, once vtx has VMX

CHECK_ARGS="demos=all,tswitch,triple,halt"
BUILTINS="primes realmode probe hostile tswitch triple halt"
# Unmodified multiboot test kernels (tests/guest) run as VMs: name mem.
KERNELS="alu:4 demo:4 exceptions:4 modes:4 privilege:4 sse:4 paging:24 string:16"
# Multiboot kernels written without kern/ (tests/hv/kernels), checked like
# the built-ins against tests/hv/expect/: file, then the module's words.
OTHER_NAMES="barebones aout"
OTHER_MODULES=("$O/hv/kernels/barebones.elf" "name=barebones mem=2 expect=halt"
               "$O/hv/kernels/aout.bin" "name=aout mem=4 expect=exit:42")

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# The exit table of VM $2 in log $1: the lines after its heading, to TOTAL.
exit_table() {
    awk -v h="exits by reason for $2" '$0 == h { on = 1; next } on && /^TOTAL / { print; exit } on { print }' "$1"
}

# Every line of the table is "<REASON> <count>" with a name from the shared
# table, and the counts add up to TOTAL; then the rules in NAME.exits hold.
check_exits() {
    local p=$1 log=$2 vm=$3 rules=$4 t names sum=0 total="" why=""
    t=$(exit_table "$log" "$vm")
    [ -z "$t" ] && { fail "$p/$vm/exits" "no \"exits by reason for $vm\" table"; return; }
    names=$(sed -n 's/^EXIT_REASON( *[0-9]*, *\([A-Z_0-9]*\),.*/\1/p' include/x86/vmx_exit_reasons.def)
    while read -r name count; do
        if [ "$name" = TOTAL ]; then total=$count; continue; fi
        grep -qx "$name" <<<"$names" || why="$why; $name is not in vmx_exit_reasons.def"
        sum=$((sum + count))
    done <<<"$t"
    [ "$total" = "$sum" ] || why="$why; counts add up to $sum, TOTAL says ${total:-nothing}"
    if [ -f "$rules" ]; then
        while read -r name op want; do
            case $name in ''|\#*) continue ;; esac
            local got
            got=$(awk -v n="$name" '$1 == n { print $2 }' <<<"$t")
            got=${got:-0}
            case $op in
            =)  [ "$got" -eq "$want" ] || why="$why; $name $got, expected $want" ;;
            '>=') [ "$got" -ge "$want" ] || why="$why; $name $got, expected >= $want" ;;
            esac
        done <"$rules"
    fi
    if [ -z "$why" ]; then pass "$p/$vm/exits"; else fail "$p/$vm/exits" "${why#; }"; fi
}

check_ending() {
    local p=$1 log=$2 vm=$3 line
    line=$(grep -E "^hv: vm [0-9]+ $vm: " "$log")
    case $line in
    *"-> as expected") pass "$p/$vm/ending" ;;
    "") fail "$p/$vm/ending" "no summary line for $vm" ;;
    *) fail "$p/$vm/ending" "${line#hv: }" ;;
    esac
}

check_builtin() {
    local p=$1 log=$2 vm=$3 exp=tests/hv/expect/$3 got diffs missing=""
    got=$(grep "^\[$vm\] " "$log")
    if diffs=$(diff <(cat "$exp.out") <(printf '%s\n' "$got") | head -4) && [ -n "$got" ]; then
        pass "$p/$vm/output"
    else
        fail "$p/$vm/output" "differs from $exp.out: $(tr '\n' ' ' <<<"$diffs" | head -c 300)"
    fi
    while read -r re; do
        [ -n "$re" ] && ! grep -Eq -- "$re" "$log" && missing="$missing; no line matching /$re/"
    done <"$exp.hv"
    if [ -z "$missing" ]; then pass "$p/$vm/hv-messages"; else fail "$p/$vm/hv-messages" "${missing#; }"; fi
    check_ending "$p" "$log" "$vm"
    check_exits "$p" "$log" "$vm" "$exp.exits"
}

# A test kernel prints PASS/FAIL lines and "N passed, M failed"; as a VM
# each line carries its prefix, and it exits with status 0.
check_kernel() {
    local p=$1 log=$2 vm=$3 summary fails
    summary=$(grep -E "^\[$vm\] [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
    fails=$(grep -c "^\[$vm\] FAIL" "$log")
    if [ "$vm" = demo ]; then
        summary=$(grep -q "^\[demo\] demo done" "$log" && echo "[demo] demo done")
    fi
    if [ -n "$summary" ] && [ "$fails" -eq 0 ] && [[ $summary != *" 0 passed"* ]] && [[ $summary != *", "[1-9]*" failed"* ]]; then
        pass "$p/$vm/output"
    else
        fail "$p/$vm/output" "${summary:-no summary line}; $fails FAIL lines: $(grep -m1 "^\[$vm\] FAIL" "$log")"
    fi
    if grep -Eq "^hv: $vm: exit status 0 \(debug-exit port 0xf4\)" "$log"; then
        pass "$p/$vm/exit-status"
    else
        fail "$p/$vm/exit-status" "$(grep -E "^hv: $vm: " "$log" | tail -1)"
    fi
    check_ending "$p" "$log" "$vm"
    check_exits "$p" "$log" "$vm" /dev/null
}

check_emulator() {
    local emu=$1 p=hv-$1 log mods=() n=0 k name mem
    if [ "$emu" = bochs ] && ! tests/hv/deps.sh --check >/dev/null; then
        echo "SKIP $p: $(tests/hv/deps.sh --check) (run tests/hv/deps.sh)"
        return
    fi
    [ -f "$HV_ELF" ] || { fail "$p/build" "$HV_ELF not built (run make)"; return; }
    for k in $KERNELS; do
        name=${k%%:*} mem=${k#*:}
        [ -f "$O/guest/$name.elf" ] || { fail "$p/build" "$O/guest/$name.elf not built (run make)"; return; }
        mods+=("$O/guest/$name.elf" "name=$name mem=$mem")
        n=$((n + 1))
    done
    for k in "${OTHER_MODULES[@]}"; do
        case $k in *=*) ;; *) [ -f "$k" ] || { fail "$p/build" "$k not built (run make)"; return; } ;; esac
    done
    mods+=("${OTHER_MODULES[@]}")
    n=$((n + $(wc -w <<<"$OTHER_NAMES")))
    log=$O/hv/check-$emu.log
    mkdir -p "$O/hv"
    hv_boot "$emu" "$log" 600 "$CHECK_ARGS" "${mods[@]}"
    local st=$?
    if ! grep -q "^hv: running [0-9]* VMs" "$log"; then
        fail "$p/boot" "hv did not start its VMs (emulator status $st): $(grep '^hv: ' "$log" | tail -2 | tr '\n' ' ')"
        return
    fi
    pass "$p/boot"
    local vm
    for vm in $BUILTINS $OTHER_NAMES; do check_builtin "$p" "$log" "$vm"; done
    for k in $KERNELS; do check_kernel "$p" "$log" "${k%%:*}"; done
    local total=$(( $(wc -w <<<"$BUILTINS") + n ))
    if grep -q "^hv: all $total VMs ended as expected" "$log"; then pass "$p/all-vms-as-expected"
    else fail "$p/all-vms-as-expected" "$(grep -E '^hv: (all|[0-9]+ of)' "$log" | tail -1)"; fi
    if grep -q "^hv: VMXOFF ok" "$log"; then pass "$p/vmxoff"; else fail "$p/vmxoff" "no \"hv: VMXOFF ok\""; fi
    if [ "$(hv_status "$log")" = 0 ]; then pass "$p/exit-status"
    else fail "$p/exit-status" "hv's exit status is $(hv_status "$log")"; fi
}

# QEMU TCG has no VMX: hv must say why it refuses and exit with status 2
# (QEMU's isa-debug-exit turns it into (2 << 1) | 1 = 5).
check_refusal() {
    local p=hv-qemu log=$O/hv/check-qemu.log
    command -v qemu-system-x86_64 >/dev/null || { echo "SKIP $p: qemu-system-x86_64 not installed"; return; }
    [ -f "$HV_ELF" ] || { fail "$p/refuses-without-vmx" "$HV_ELF not built (run make)"; return; }
    mkdir -p "$O/hv"
    hv_boot qemu "$log" 60 "demos=all" "$O/guest/demo.elf" "name=demo"
    local st=$?
    if grep -q "^hv: refusing to start: this CPU does not support VMX (CPUID.1:ECX.VMX\[bit 5\] = 0)" "$log" &&
       [ $st -eq 5 ] && ! grep -q "^\[" "$log"; then
        pass "$p/refuses-without-vmx"
    else
        fail "$p/refuses-without-vmx" "QEMU status $st, output: $(grep '^hv: ' "$log" | tail -2 | tr '\n' ' ')"
    fi
}

for emu in $HV_EMULATORS; do check_emulator "$emu"; done
check_refusal
