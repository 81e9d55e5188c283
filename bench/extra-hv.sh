# bench/extra-hv.sh — sourced at the end of bench/run.sh (also runs alone:
# bash bench/extra-hv.sh). Prints one line:
#   BENCH hv-exits bochs=<VM-exit round trips per second>
# hv boots on Bochs with only its "bench" guest, which executes CPUID
# HV_BENCH_EXITS times (each a VM exit, hv's CPUID handler and VMRESUME).
# The time is taken on the host between the guest's "start" and "done"
# lines as they appear in the serial log, so Bochs's start-up and GRUB are
# not counted. This is the baseline vtx's VM exits will be measured against.
hv_bench_exits() {
    local root n=${HV_BENCH_EXITS:-400000} dir iso raw pid t0="" t1="" now
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    (
        cd "$root" || exit 1
        O=${O:-build}
        tests/hv/deps.sh >&2 || { echo "BENCH hv-exits bochs=0"; exit 0; }
        [ -f "$O/hv/hv.elf" ] || make -s hv >&2 || { echo "BENCH hv-exits bochs=0"; exit 0; }
        dir=$(mktemp -d)
        iso=$dir/hv.iso raw=$dir/com1.log
        tools/mkiso.sh "$iso" "$O/hv/hv.elf" "demos=none bench=$n" || { echo "BENCH hv-exits bochs=0"; rm -rf "$dir"; exit 0; }
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
        if [ -n "$t0" ] && [ -n "$t1" ] && grep -q "^hv: vm 0 bench: .*as expected" <(tr -d '\r' <"$raw"); then
            echo "BENCH hv-exits bochs=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }')"
        else
            echo "hv bench: no result; serial log tail: $(tail -3 "$raw" | tr '\r\n' '  ')" >&2
            echo "BENCH hv-exits bochs=0"
        fi
        rm -rf "$dir"
    )
}
hv_bench_exits
unset -f hv_bench_exits
