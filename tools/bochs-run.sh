#!/usr/bin/env bash
# bochs-run.sh ISO SERIAL_LOG [TIMEOUT_SECONDS] [IPS]
# Boots ISO on Bochs (Debian build, VMX-capable corei7_skylake_x, one CPU),
# headless, COM1 into SERIAL_LOG. Runs are serialised with a lock because
# the rfb display listens on a fixed port (see shared/EMULATORS.md).
# Exit status: Bochs's (1 after the guest's "Shutdown" request).
set -u
iso=$1 log=$2 timeout=${3:-120} ips=${4:-4000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/bochsrc" <<RC
megs: 128
cpu: model=corei7_skylake_x, count=1, ips=$ips, reset_on_triple_fault=0
clock: sync=none, time0=local
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$log
display_library: rfb, options="timeout=0"
log: $dir/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
port_e9_hack: enabled=1
RC
echo c > "$dir/cont"
: > "$log"
exec 9>/tmp/vtx-bochs.lock
flock 9
timeout "$timeout" bochs -q -f "$dir/bochsrc" -rc "$dir/cont" </dev/null >"$dir/stdout" 2>&1
st=$?
if [ "$st" -eq 124 ]; then
    echo "bochs-run: timed out after ${timeout}s" >&2
fi
if [ -n "${BOCHS_KEEP_LOG:-}" ]; then cp "$dir/bochs.log" "$BOCHS_KEEP_LOG"; fi
exit $st
