#!/usr/bin/env bash
# Every test kernel on vtx (build/vtx); check names become vtx/<kernel>/<check>.
# vtx is held to the SDM: no deviation is excused.
set -u
cd "$(dirname "$0")/.."
vtx=${VTX:-build/vtx}
if [ ! -x "$vtx" ]; then
    echo "SKIP vtx: $vtx not built"
    exit 0
fi
exec tests/guest/run-all.sh "$vtx" vtx
