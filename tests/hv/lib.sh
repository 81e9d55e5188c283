# Shared by tests/suite-hv.sh, tests/hv/run.sh and bench/extra-hv.sh.
# Boots hv with guests on an emulator and leaves hv's serial output in a log.
#
#   hv_boot EMU LOG TIMEOUT "HV ARGS" [MODULE "MODULE ARGS"]...
#     EMU: bochs  GRUB ISO (tools/mkiso.sh) on Bochs (tools/bochs-run.sh)
#          vtx    $O/vtx -kernel hv.elf -append ARGS -initrd "mod args,..."
#          qemu   qemu-system-x86_64 $HV_QEMU_FLAGS (default "-accel tcg
#                 -cpu max": no VMX; "-enable-kvm -cpu host,+vmx" on an Intel
#                 host with nested VMX), same flags as vtx otherwise
#     Returns the emulator's exit status; LOG gets COM1 without CRs.
#   hv_status LOG: hv's own exit status from its last line (or 255).

O=${O:-build}
HV_ELF=${HV_ELF:-$O/hv/hv.elf}
HV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The guests `make run` shows: the built-in demos and two unmodified
# multiboot test kernels from tests/guest.
HV_RUN_ARGS="demos=all"
HV_RUN_MODULES=("$O/guest/demo.elf" "name=demo" "$O/guest/alu.elf" "name=alu")

hv_boot() {
    local emu=$1 log=$2 timeout=$3 args=$4
    shift 4
    local st
    case $emu in
    bochs)
        local iso
        iso=$(mktemp --suffix=.iso)
        "$HV_ROOT/tools/mkiso.sh" "$iso" "$HV_ELF" "$args" "$@" || { rm -f "$iso"; return 125; }
        "$HV_ROOT/tools/bochs-run.sh" "$iso" "$log.raw" "$timeout"
        st=$?
        rm -f "$iso"
        ;;
    vtx|qemu)
        local initrd="" cmd
        while [ $# -ge 2 ]; do
            initrd="${initrd:+$initrd,}$1 $2"
            shift 2
        done
        # shellcheck disable=SC2206  # HV_QEMU_FLAGS is a list of words
        if [ "$emu" = vtx ]; then cmd=("$O/vtx"); else cmd=(qemu-system-x86_64 ${HV_QEMU_FLAGS:--accel tcg -cpu max}); fi
        cmd+=(-nodefaults -nographic -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x4
              --no-reboot -m 256 -kernel "$HV_ELF" -append "$args")
        [ -n "$initrd" ] && cmd+=(-initrd "$initrd")
        timeout "$timeout" "${cmd[@]}" </dev/null >"$log.raw" 2>"$log.err"
        st=$?
        ;;
    *) echo "hv_boot: unknown emulator $emu" >&2; return 125 ;;
    esac
    tr -d '\r' <"$log.raw" | sed 's/\x1b[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' >"$log"
    rm -f "$log.raw"
    return $st
}

hv_status() {
    local s
    s=$(sed -n 's/^hv: exit status \([0-9]*\)$/\1/p' "$1" | tail -1)
    echo "${s:-255}"
}
