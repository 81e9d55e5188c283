#!/usr/bin/env bash
# tests/hv/run.sh auto|bochs|vtx|qemu
# Boots hv with its demo guests (see HV_RUN_* in tests/hv/lib.sh) and shows
# its output. "auto" (make run): on vtx when vtx's CPU offers VMX, else it
# says why and uses Bochs, installing Bochs/GRUB/xorriso first if missing.
# Exit status: hv's (0 = every VM ended as expected).
set -u
cd "$(dirname "$0")/../.."
. tests/hv/lib.sh
mode=${1:-auto}
log=$(mktemp)
trap 'rm -f "$log" "$log.err"' EXIT

run_bochs() {
    tests/hv/deps.sh || exit 1
    echo "hv: booting on Bochs (corei7_skylake_x, VMX) from a GRUB ISO"
    hv_boot bochs "$log" 300 "$HV_RUN_ARGS" "${HV_RUN_MODULES[@]}"
    cat "$log"
}

case $mode in
auto)
    if [ ! -x "$O/vtx" ]; then
        echo "hv: $O/vtx is not built; running hv on Bochs instead"
        run_bochs
    else
        hv_boot vtx "$log" 30 "$HV_RUN_ARGS" "${HV_RUN_MODULES[@]}"
        if grep -q "^hv: all .* VMs ended as expected" "$log"; then
            cat "$log"
        elif grep -q "does not support VMX" "$log"; then
            echo "hv: vtx does not advertise VMX yet (CPUID.1:ECX.VMX = 0): running hv on Bochs instead"
            run_bochs
        else
            echo "hv: hv did not complete on vtx ($(tail -1 "$log" | head -c 200)): running hv on Bochs instead"
            run_bochs
        fi
    fi
    ;;
bochs) run_bochs ;;
vtx|qemu)
    hv_boot "$mode" "$log" 120 "$HV_RUN_ARGS" "${HV_RUN_MODULES[@]}"
    cat "$log"
    ;;
*) echo "usage: $0 auto|bochs|vtx|qemu" >&2; exit 2 ;;
esac
exit "$(hv_status "$log")"
