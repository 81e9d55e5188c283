# bench/extra-hv.sh — sourced at the end of bench/run.sh (it also runs
# alone: bash bench/extra-hv.sh). Prints one line:
#   BENCH hv-exits bochs=<VM-exit round trips per second>
# hv boots on Bochs with only its "bench" guest, which executes CPUID
# HV_BENCH_EXITS times (each a VM exit, hv's CPUID handler and VMRESUME).
# The time is taken on the host between the guest's "start" and "done"
# lines as they appear in the serial log, so Bochs's start-up, GRUB and hv's
# own set-up are not counted. This is the baseline vtx's VM exits will be
# measured against (the same line with vtx= once vtx has VMX).
hv_bench_exits_measure() {
    local n=$1 dir iso raw pid t0="" t1="" now
    O=${O:-build}
    [ -f "$O/hv/hv.elf" ] || make -s hv >&2 || { echo "ERROR hv does not build"; return; }
    dir=$(mktemp -d)
    iso=$dir/hv.iso raw=$dir/com1.log
    tools/mkiso.sh "$iso" "$O/hv/hv.elf" "demos=none bench=$n" || { echo "ERROR mkiso failed"; rm -rf "$dir"; return; }
    : >"$raw"
    tools/bochs-run.sh "$iso" "$raw" 600 >/dev/null 2>&1 &
    pid=$!
    # Poll the log; bochs-run.sh may first wait for another Bochs run.
    while kill -0 "$pid" 2>/dev/null; do
        now=$(date +%s.%N)
        if [ -z "$t0" ] && grep -q "bench: start" "$raw"; then t0=$now; fi
        if [ -n "$t0" ] && grep -q "bench: done" "$raw"; then t1=$now; break; fi
        sleep 0.02
    done
    wait "$pid"
    if [ -n "$t0" ] && [ -n "$t1" ] && tr -d '\r' <"$raw" | grep -q "^hv: vm 0 bench: .*as expected"; then
        echo "RESULT $(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }')"
    else
        echo "ERROR no result from hv's bench guest; serial log ends: $(tail -2 "$raw" | tr '\r\n' '  ')"
    fi
    rm -rf "$dir"
}

hv_bench_exits() {
    local sourced=0 out
    declare -F bench_error >/dev/null && sourced=1
    if [ $sourced = 1 ] && [ "${have_bochs:-0}" != 1 ]; then
        echo "BENCH hv-exits bochs=n/a"
        return
    fi
    out=$(
        cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
        if [ $sourced = 0 ]; then tests/hv/deps.sh >&2 || { echo "ERROR Bochs/GRUB/xorriso missing"; exit 0; }; fi
        hv_bench_exits_measure "${HV_BENCH_EXITS:-400000}"
    )
    case $out in
    "RESULT "*) echo "BENCH hv-exits bochs=${out#RESULT }" ;;
    *)
        echo "BENCH hv-exits bochs=n/a"
        if [ $sourced = 1 ]; then bench_error "hv-exits: ${out#ERROR }"; else echo "hv-exits: ${out#ERROR }" >&2; fi
        ;;
    esac
}
hv_bench_exits
unset -f hv_bench_exits hv_bench_exits_measure
