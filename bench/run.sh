#!/usr/bin/env bash
# shellcheck disable=SC2034  # root, have_*: used by the bench/extra-*.sh files
# bench/run.sh — time the benchmark kernels on vtx, QEMU (TCG) and Bochs.
# `make bench` builds everything and calls this; it builds nothing itself
# (the GRUB ISOs Bochs boots are made here, outside the timed region).
#
# For each workload W (bench/W.c -> $O/bench/W.elf) and each emulator, the
# kernel runs BENCH_RUNS times with the real iteration count (n=N on the
# command line) and as often with n=0, interleaved; the wall time of the
# emulator process is taken with date +%s%N, and
#     workload time = median(real runs) - median(n=0 runs)
# so BIOS/firmware/GRUB/boot start-up cancels out. Every run's checksum
# (printed by the kernel as "BENCH-RESULT W n=N checksum=X tsc=T") must be the
# same on every emulator; Bochs's RDTSC delta counts the instructions the
# workload retired, which gives each emulator's MIPS.
#
# Output: a line per run and per emulator as it goes, then last
#     MIPS W instructions=I vtx=M bochs=M qemu=M
#     BENCH W vtx=S bochs=S qemu=S vtx_vs_bochs=Rx     (R = bochs / vtx)
# with n/a where an emulator is missing (a SKIP line says why) or failed (a
# BENCH-ERROR line says how). Exit status 1 if any BENCH-ERROR was printed.
#
# Environment:
#   O              build directory (build)
#   VTX            vtx binary ($O/vtx)
#   BENCH_RUNS     runs per measurement (3)
#   BENCH_WORKLOADS  workloads to run ("int mem call")
#   BENCH_N_<W>    iteration count of workload W (int 1400, mem 8, call 47:
#                  about 280-300 M instructions each)
#   BENCH_EMUS     emulators to use ("vtx qemu bochs")
#   BENCH_TIMEOUT  seconds allowed per run (90)
#   BENCH_BOCHS_IPS  Bochs ips; only sets how fast emulated time passes
#                  (clock: sync=none), a small value keeps BIOS/GRUB short (4000000)
#   BENCH_VTX_BUILD_FAILED  set by mk/bench.mk when $O/vtx did not build: vtx is
#                  skipped rather than a stale binary measured
#
# Extensions: every bench/extra-*.sh is sourced at the very end (in name
# order) and may use the helpers below (bench_time_cmd, bench_time_bochs,
# bench_median, bench_secs, bench_error, bench_skip, have_emu) and the
# variables root, O, VTX, emu_args, tmp, runs, bench_timeout, bochs_ips, have_vtx,
# have_qemu, have_bochs. It prints its own lines, e.g.
#     BENCH hv-exits bochs=<exits/s>
# and calls bench_error to make the run fail.
set -u
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
O=${O:-build}
VTX=${VTX:-$O/vtx}
runs=${BENCH_RUNS:-3}
bench_timeout=${BENCH_TIMEOUT:-90}
bochs_ips=${BENCH_BOCHS_IPS:-4000000}
workloads=${BENCH_WORKLOADS:-int mem call}
emus=${BENCH_EMUS:-vtx qemu bochs}
declare -A default_n=([int]=1400 [mem]=8 [call]=47)   # ~280-300 M instructions
bochs_lock=/tmp/vtx-bochs.lock        # the lock tools/bochs-run.sh takes

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

bench_error() { echo "BENCH-ERROR $*"; status=1; }
bench_skip() { echo "SKIP $*"; }

# Integer nanoseconds -> seconds with 3 decimals.
bench_secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }

# Median of integers given as arguments (mean of the middle two if even).
bench_median()
{
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

case $runs in ''|*[!0-9]*|0) echo "bench: BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac

# ---- Which emulators are there.
have_vtx=0 have_qemu=0 have_bochs=0
have_emu() { local v="have_$1"; [ "${!v}" = 1 ]; }
for e in $emus; do
    case $e in
    vtx)
        if [ -n "${BENCH_VTX_BUILD_FAILED:-}" ]; then
            bench_skip "vtx: $VTX did not build (make $VTX fails); vtx=n/a"
        elif [ ! -x "$VTX" ]; then
            bench_skip "vtx: $VTX not built; vtx=n/a"
        else
            have_vtx=1
        fi ;;
    qemu)
        if command -v qemu-system-x86_64 >/dev/null; then have_qemu=1
        else bench_skip "qemu: qemu-system-x86_64 not installed; qemu=n/a"; fi ;;
    bochs)
        missing=""
        for c in bochs grub-mkrescue xorriso flock; do
            command -v $c >/dev/null || missing="$missing $c"
        done
        if [ -n "$missing" ]; then bench_skip "bochs: not installed:$missing; bochs=n/a"
        else have_bochs=1; fi ;;
    *) echo "bench: unknown emulator '$e' in BENCH_EMUS" >&2; exit 2 ;;
    esac
done
for e in vtx qemu bochs; do
    case " $emus " in *" $e "*) ;; *) bench_skip "$e: not in BENCH_EMUS; $e=n/a" ;; esac
done

# shellcheck disable=SC2054  # commas inside one QEMU option
emu_args=(-nodefaults -nographic -serial stdio
          -device isa-debug-exit,iobase=0xf4,iosize=0x4 --no-reboot -m 128)

# bench_time_cmd OUT CMD...: run CMD with stdout to OUT (stderr to OUT.err)
# under the timeout; sets BENCH_NS (wall time) and BENCH_RC.
bench_time_cmd()
{
    local out=$1 t0 t1
    shift
    t0=$(date +%s%N)
    timeout "$bench_timeout" "$@" </dev/null >"$out" 2>"$out.err"
    BENCH_RC=$?
    t1=$(date +%s%N)
    BENCH_NS=$((t1 - t0))
}

# bench_time_bochs ISO LOG: boot ISO on Bochs through tools/bochs-run.sh,
# COM1 into LOG; sets BENCH_NS and BENCH_RC. bochs-run.sh serialises Bochs
# runs with a lock (fixed rfb port): wait for it to be free first, so that
# the time measured is Bochs's and not another user's run.
bench_time_bochs()
{
    local iso=$1 log=$2 t0 t1
    flock -w 600 "$bochs_lock" true 2>/dev/null
    t0=$(date +%s%N)
    tools/bochs-run.sh "$iso" "$log" "$bench_timeout" "$bochs_ips" >"$log.err" 2>&1
    BENCH_RC=$?
    t1=$(date +%s%N)
    BENCH_NS=$((t1 - t0))
}

# run_one EMU W N TAG: one run; sets R_NS, R_SUM, R_TSC; returns 1 (after a
# BENCH-ERROR line) when the run failed.
run_one()
{
    local emu=$1 w=$2 n=$3 tag=$4
    local out="$tmp/$emu-$w-$n-$tag.out" kernel="$O/bench/$w.elf" line why=""
    case $emu in
    vtx)   bench_time_cmd "$out" "$VTX" "${emu_args[@]}" -kernel "$kernel" -append "n=$n" ;;
    qemu)  bench_time_cmd "$out" qemu-system-x86_64 -accel tcg "${emu_args[@]}" -kernel "$kernel" -append "n=$n" ;;
    bochs) bench_time_bochs "$tmp/$w-$n.iso" "$out" ;;
    esac
    R_NS=$BENCH_NS
    line=$(tr -d '\r' <"$out" | grep -a -m1 "^BENCH-RESULT $w n=$n checksum=[0-9a-f]* tsc=[0-9]*\$")
    R_SUM=$(sed -n 's/.* checksum=\([0-9a-f]*\).*/\1/p' <<<"$line")
    R_TSC=$(sed -n 's/.* tsc=\([0-9]*\).*/\1/p' <<<"$line")
    # Success: isa-debug-exit status 0 -> exit (0 << 1) | 1 = 1 on vtx and
    # QEMU; Bochs exits 1 after the "Shutdown" request (and rarely segfaults
    # after it: the output is complete then, so a full result line counts).
    if [ "$BENCH_RC" -eq 124 ]; then
        why="timed out after ${bench_timeout}s"
    elif [ -z "$line" ]; then
        local other
        other=$(tr -d '\r' <"$out" | grep -a -m1 -o "^BENCH-RESULT $w n=[0-9]*")
        if [ -n "$other" ]; then
            why="the kernel ran with ${other##* }, not n=$n (command line not seen?)"
        else
            why="no result line (exit status $BENCH_RC)"
        fi
    elif [ "$emu" != bochs ] && [ "$BENCH_RC" -ne 1 ]; then
        why="exit status $BENCH_RC, expected 1"
    fi
    if [ -n "$why" ]; then
        local detail
        detail=$( { tr -d '\r' <"$out" | grep -a -E 'FAIL|panic' | head -n 3; head -c 300 "$out.err" 2>/dev/null; } | tr '\n' ' ')
        bench_error "$w $emu n=$n run $tag: $why${detail:+ — $detail}"
        return 1
    fi
    printf '  %-5s %-5s n=%-5s run %s: %7s s  checksum=%s tsc=%s\n' \
        "$w" "$emu" "$n" "$tag" "$(bench_secs "$R_NS")" "$R_SUM" "$R_TSC"
    return 0
}

declare -A res_secs res_ok sums0 sums1 instr
fmt_field() { if [ -n "${1:-}" ]; then echo "$1"; else echo n/a; fi; }

for w in $workloads; do
    kernel="$O/bench/$w.elf"
    nvar="BENCH_N_$w"
    n=${!nvar:-${default_n[$w]:-}}
    if [ ! -f "$kernel" ]; then
        bench_error "$w: $kernel not built (run make bench)"
        continue
    fi
    if [ -z "$n" ]; then
        bench_error "$w: no iteration count (set $nvar)"
        continue
    fi
    echo "== $w: n=$n, $runs runs each with n=$n and n=0"
    if have_emu bochs; then
        for k in 0 "$n"; do
            tools/mkiso.sh "$tmp/$w-$k.iso" "$kernel" "n=$k" ||
                { bench_error "$w bochs: could not build the GRUB ISO"; break; }
        done
    fi
    for emu in vtx qemu bochs; do
        have_emu "$emu" || continue
        [ "$emu" = bochs ] && [ ! -f "$tmp/$w-$n.iso" ] && continue
        real=() start=() s0="" s1="" ok=1
        for ((i = 1; i <= runs && ok; i++)); do
            # n=0 then n=N, interleaved so that a change of machine load
            # affects both medians alike. One failure ends this emulator's
            # runs of this workload (keeps a hanging emulator within budget).
            run_one "$emu" "$w" 0 "$i" || { ok=0; break; }
            start+=("$R_NS"); s0="$s0 $R_SUM"
            run_one "$emu" "$w" "$n" "$i" || { ok=0; break; }
            real+=("$R_NS"); s1="$s1 $R_SUM"
            [ "$emu" = bochs ] && instr[$w]=$R_TSC
        done
        [ $ok = 1 ] || continue
        mr=$(bench_median "${real[@]}") ms=$(bench_median "${start[@]}")
        d=$((mr - ms))
        note=""
        if [ $d -lt 1000000 ]; then                # floor at 1 ms
            d=1000000 note=" (below the start-up noise: raise BENCH_N_$w)"
        fi
        res_secs[$w,$emu]=$(bench_secs $d)
        res_ok[$w,$emu]=1
        sums0[$w,$emu]=$s0 sums1[$w,$emu]=$s1
        printf '  %-5s %-5s wall %s s (median of %d), start-up %s s, workload %s s%s\n' \
            "$w" "$emu" "$(bench_secs "$mr")" "$runs" "$(bench_secs "$ms")" "${res_secs[$w,$emu]}" "$note"
    done

    # Checksums: every run of every emulator against one reference, Bochs
    # first, then QEMU, then vtx. A mismatch voids that emulator's figure.
    ref="" ref0="" refemu=""
    for emu in bochs qemu vtx; do
        [ -n "${res_ok[$w,$emu]:-}" ] || continue
        ref=$(awk '{print $1}' <<<"${sums1[$w,$emu]}") ref0=$(awk '{print $1}' <<<"${sums0[$w,$emu]}")
        refemu=$emu
        break
    done
    for emu in bochs qemu vtx; do
        [ -n "${res_ok[$w,$emu]:-}" ] || continue
        bad=""
        for s in ${sums1[$w,$emu]}; do [ "$s" = "$ref" ] || bad="$bad n=$n:$s"; done
        for s in ${sums0[$w,$emu]}; do [ "$s" = "$ref0" ] || bad="$bad n=0:$s"; done
        if [ -n "$bad" ]; then
            bench_error "$w $emu checksum$bad, expected $ref (n=$n) and $ref0 (n=0) as on $refemu"
            unset "res_ok[$w,$emu]" "res_secs[$w,$emu]"
        fi
    done
    [ -n "$ref" ] && echo "  $w checksum $ref (n=$n)"
done

# ---- Summary: MIPS from the Bochs instruction count, then the BENCH lines.
for w in $workloads; do
    [ -f "$O/bench/$w.elf" ] || continue
    i=${instr[$w]:-}
    line="MIPS $w instructions=$(fmt_field "$i")"
    for emu in vtx bochs qemu; do
        m=""
        if [ -n "$i" ] && [ -n "${res_secs[$w,$emu]:-}" ]; then
            m=$(awk -v i="$i" -v s="${res_secs[$w,$emu]}" 'BEGIN { printf "%.1f", i / s / 1e6 }')
        fi
        line="$line $emu=$(fmt_field "$m")"
    done
    echo "$line"
done
for w in $workloads; do
    [ -f "$O/bench/$w.elf" ] || continue
    v=${res_secs[$w,vtx]:-} b=${res_secs[$w,bochs]:-} q=${res_secs[$w,qemu]:-}
    r=""
    [ -n "$v" ] && [ -n "$b" ] && r=$(awk -v b="$b" -v v="$v" 'BEGIN { printf "%.2fx", b / v }')
    echo "BENCH $w vtx=$(fmt_field "$v") bochs=$(fmt_field "$b") qemu=$(fmt_field "$q") vtx_vs_bochs=$(fmt_field "$r")"
done

# ---- Extensions (e.g. the hypervisor's "BENCH hv-exits bochs=..." line).
for f in bench/extra-*.sh; do
    [ -f "$f" ] || continue
    # shellcheck source=/dev/null
    . "$f"
done

exit $status
