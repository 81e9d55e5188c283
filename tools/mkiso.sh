#!/usr/bin/env bash
# mkiso.sh OUT.iso KERNEL "KERNEL ARGS" [MODULE "MODULE ARGS"]...
# Builds a GRUB (BIOS) ISO that boots KERNEL with multiboot v1 and loads the
# modules, as `multiboot`/`module` lines in grub.cfg. Needs grub-pc-bin and
# xorriso (tools/deps.sh installs them).
set -eu
out=$1 kernel=$2 kargs=$3
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/kernel.elf"
{
    echo 'set timeout=0'
    echo 'set default=0'
    echo 'menuentry "vtx" {'
    echo "  multiboot /boot/kernel.elf $kargs"
    n=0
    while [ $# -ge 2 ]; do
        cp "$1" "$dir/boot/mod$n"
        echo "  module /boot/mod$n $2"
        n=$((n + 1))
        shift 2
    done
    echo '  boot'
    echo '}'
} > "$dir/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$dir" >/dev/null 2>&1 || { echo "mkiso: grub-mkrescue failed" >&2; exit 1; }
